"""factory_boy factories: real rows, valid by construction."""

import factory
from django.conf import settings
from django.utils import timezone

from accounts.demo import make_credit_code
from accounts.enums import MembershipRole, MembershipStatus, OrganisationKind
from accounts.models import Membership, Organisation, Region, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.cn")
    password = factory.PostGenerationMethodCall("set_password", "pw-Nongqiao-2026")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def region(code: str) -> Region:
    return Region.objects.get(code=code)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    kind = OrganisationKind.ENTERPRISE
    name = factory.Sequence(lambda n: f"测试合作社{n}")
    region = factory.LazyFunction(lambda: region("522634"))  # 贵州 黔东南 雷山县
    credit_code = factory.LazyAttribute(lambda o: make_credit_code(o.name, o.kind, o.region.code))
    contact_name = "张三"
    phone = "13800138000"
    email = factory.Sequence(lambda n: f"org{n}@example.cn")
    is_verified = True
    verified_at = factory.LazyAttribute(lambda o: timezone.now() if o.is_verified else None)

    @factory.post_generation
    def covered(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.covered_regions.set(Region.objects.filter(code__in=extracted))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = MembershipRole.MEMBER
    status = MembershipStatus.ACTIVE


def member_of(organisation: Organisation, role: str = MembershipRole.MEMBER, **user_fields) -> User:
    """A new user with an active membership in the organisation."""
    user = UserFactory(**user_fields)
    MembershipFactory(user=user, organisation=organisation, role=role)
    return user


DEMO_PASSWORD = settings.DEMO_PASSWORD


def index_listing(listing, create, extracted, **kwargs):
    """Fill the search columns the way the listing services do."""
    from matchmaking.listings.search import index_tokens
    from matchmaking.listings.services import search_text_of

    listing.search_text = search_text_of(listing)
    listing.search_tokens = index_tokens(listing.search_text)
    if create:
        listing.save(update_fields=["search_text", "search_tokens"])


def category(slug: str = "cold-storage"):
    from matchmaking.models import Category

    return Category.objects.get(slug=slug)


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "matchmaking.TechnologyNeed"
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    created_by = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"猕猴桃冷链保鲜需求{n}")
    description = "猕猴桃运到广州就软了，想找产地预冷和冷链运输的办法"
    keywords = "猕猴桃 冷链"
    category = factory.LazyFunction(category)
    region = factory.LazyAttribute(lambda o: o.organisation.region)
    budget_min = 50000
    budget_max = 200000
    transfer_modes = ["technical_service"]
    status = "open"
    published_at = factory.LazyFunction(timezone.now)
    _index = factory.PostGeneration(index_listing)


class ResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "matchmaking.ResearchResult"
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.INSTITUTION)
    created_by = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"果蔬产地预冷与冷链温控技术{n}")
    abstract = "本研究针对猕猴桃采后软化问题，构建了产地预冷与冷链温控体系，货架期延长40%。"
    keywords = "预冷 冷链 猕猴桃"
    category = factory.LazyFunction(category)
    region = factory.LazyAttribute(lambda o: o.organisation.region)
    trl = 7
    asking_price = 150000
    transfer_modes = ["license", "technical_service"]
    status = "listed"
    published_at = factory.LazyFunction(timezone.now)
    _index = factory.PostGeneration(index_listing)


class FairFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "matchmaking.Fair"

    name = factory.Sequence(lambda n: f"2026 中西部农村电商技术对接会（{n}）")
    year = 2026
    city = "成都"
    venue = "成都世纪城会展中心"
    first_day = factory.LazyFunction(lambda: timezone.localdate() + timezone.timedelta(days=20))
    days = 1
    registration_opens = factory.LazyFunction(timezone.localdate)
    registration_closes = factory.LazyFunction(
        lambda: timezone.localdate() + timezone.timedelta(days=15)
    )
    day_start = factory.LazyFunction(lambda: timezone.datetime.min.time().replace(hour=9))
    day_end = factory.LazyFunction(lambda: timezone.datetime.min.time().replace(hour=12))
    slot_minutes = 30
    tables = 4
    max_meetings = 3
    status = "registration_open"


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "matchmaking.FairRegistration"

    fair = factory.SubFactory(FairFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    registered_by = factory.LazyAttribute(lambda r: member_of(r.organisation))
    attendees = "张三 13800138000"


class MeetingRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "matchmaking.MeetingRequest"

    fair = factory.SubFactory(FairFactory)
    requester = factory.SubFactory(RegistrationFactory, fair=factory.SelfAttribute("..fair"))
    recipient = factory.SubFactory(
        RegistrationFactory,
        fair=factory.SelfAttribute("..fair"),
        organisation=factory.SubFactory(
            OrganisationFactory,
            kind=OrganisationKind.INSTITUTION,
            region=factory.LazyFunction(lambda: region("510107")),
        ),
    )
    requested_by = factory.LazyAttribute(lambda r: r.requester.registered_by)
    status = "accepted"


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "matchmaking.Meeting"

    fair = factory.SubFactory(FairFactory)
    request = factory.SubFactory(MeetingRequestFactory, fair=factory.SelfAttribute("..fair"))
    slot = 0
    table = factory.Sequence(lambda n: n % 4 + 1)


def image_bytes(
    fmt: str = "JPEG", size: tuple[int, int] = (64, 48), colour=(200, 80, 40), **save
) -> bytes:
    """A real picture of `size` in `fmt` (JPEG, PNG, WEBP), made with Pillow."""
    import io

    from PIL import Image

    out = io.BytesIO()
    mode = "RGBA" if fmt == "PNG" and len(colour) == 4 else "RGB"
    Image.new(mode, size, colour).save(out, fmt, **save)
    return out.getvalue()


def photo_of(need, by=None, **image):
    """A photo on the need, checked and stored as an upload would be; added by `by` through
    the service when given."""
    from django.core.files.base import ContentFile
    from django.core.files.uploadedfile import SimpleUploadedFile

    from matchmaking.listings.photo_checks import check_photo
    from matchmaking.listings.photos import add_photos
    from matchmaking.models import NeedPhoto

    photo = check_photo(SimpleUploadedFile("photo.jpg", image_bytes(**image)))
    if by is not None:
        return add_photos(need=need, by=by, photos=[photo])[0]
    row = NeedPhoto(need=need, width=photo.width, height=photo.height, size=len(photo.image))
    row.image.save("p.jpg", ContentFile(photo.image), save=False)
    row.thumbnail.save("p-thumb.jpg", ContentFile(photo.thumbnail), save=False)
    row.save()
    return row
