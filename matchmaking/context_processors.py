from matchmaking.notifications import selectors as notification_selectors


def notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": notification_selectors.unread_count(user)}
