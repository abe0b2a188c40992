from accounts import permissions


def roles(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_roles": frozenset()}
    return {"user_roles": frozenset(str(r) for r in permissions.roles(user))}
