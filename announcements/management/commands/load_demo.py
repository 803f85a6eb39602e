"""Load the alliance's demo members and announcements. Safe to run again.

With --admin it also creates the demo admin and prints the login address, on
--host and --port: where the site will be served (`make run` passes its HOST and PORT).
"""

import datetime
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from announcements.demo_pictures import banner_jpeg, logo_png
from announcements.demo_translations import load_demo_translations
from announcements.models import Announcement
from members.models import Member

UN, GOV, FOUNDATION, COMPANY, NON_PROFIT = (
    Member.Category.UN_ENTITY,
    Member.Category.GOVERNMENT,
    Member.Category.FOUNDATION,
    Member.Category.COMPANY,
    Member.Category.NON_PROFIT,
)

# (slug, name, short name, category, board seat, country, colour, description)
MEMBERS = [
    ("undp", "United Nations Development Programme", "UNDP", UN, True, "", (0, 104, 178),
     "The UN's development agency, and one of the alliance's board members."),
    ("unicef", "United Nations Children's Fund", "UNICEF", UN, True, "", (28, 171, 226),
     "The UN agency for children, and one of the alliance's board members."),
    ("un-global-pulse", "UN Global Pulse", "", UN, False, "", (0, 91, 150),
     "The Secretary-General's initiative on data, innovation and foresight."),
    ("office-of-the-tech-envoy", "Office of the Secretary-General's Envoy on Technology", "OSET",
     UN, False, "", (0, 120, 140), "The UN office that coordinates work on digital cooperation."),
    ("who", "World Health Organization", "WHO", UN, False, "", (0, 93, 170),
     "The UN agency for global public health."),
    ("oict", "UN Office of Information and Communications Technology", "OICT", UN, False, "",
     (0, 70, 127), "The UN Secretariat's office for information and communications technology, "
     "and the alliance's newest member."),
    ("fao", "Food and Agriculture Organization of the United Nations", "FAO", UN, False, "",
     (0, 125, 70), "The UN agency that leads international efforts to defeat hunger."),
    ("gates-foundation", "Bill & Melinda Gates Foundation", "", FOUNDATION, False, "United States",
     (30, 30, 30), "A private foundation working on global health and development."),
    ("github", "GitHub", "", COMPANY, False, "United States", (36, 41, 47),
     "The software development platform where much open-source work happens."),
    ("usaid", "United States Agency for International Development", "USAID", GOV, False,
     "United States", (0, 46, 106), "The United States' agency for international development."),
    ("data-org", "data.org", "", NON_PROFIT, False, "", (90, 40, 160),
     "A platform for partnerships that use data science for social impact."),
    ("egov-foundation", "eGov Foundation", "", FOUNDATION, False, "India", (230, 120, 0),
     "A foundation that builds open digital infrastructure for governments."),
    ("foundation-for-public-code", "Foundation for Public Code", "", NON_PROFIT, False, "",
     (20, 110, 90), "A non-profit that helps public organisations collaborate on open-source code."),
    ("estonia-mfa", "Republic of Estonia, Ministry of Foreign Affairs", "", GOV, False, "Estonia",
     (0, 114, 206), "Estonia's foreign ministry."),
    ("rwanda-minict", "Rwanda, Ministry of ICT and Innovation", "MINICT", GOV, False, "Rwanda",
     (0, 161, 222), "Rwanda's ministry for information and communications technology and innovation."),
    ("thoughtworks", "Thoughtworks", "", COMPANY, False, "", (200, 30, 80),
     "A global technology consultancy."),
    ("uganda-moict", "Uganda, Ministry of ICT and National Guidance", "MoICT", GOV, False, "Uganda",
     (150, 90, 0), "Uganda's ministry for information and communications technology and national guidance."),
]  # fmt: skip

# (slug, title, summary, body, tags, member slugs, featured, days ago, status, picture)
ANNOUNCEMENTS = [
    (
        "oict-joins-the-alliance",
        "The UN Office of Information and Communications Technology joins the alliance",
        "OICT, the office that runs technology for the UN Secretariat, is the alliance's newest member.",
        "The UN Office of Information and Communications Technology (OICT) has become the newest "
        "member of the alliance.\n\nOICT joins a membership that already counts several UN entities: "
        "the [UNDP](/members/undp/) and [UNICEF](/members/unicef/), which hold seats on the board, "
        "UN Global Pulse, the Office of the Secretary-General's Envoy on Technology and the World "
        "Health Organization.\n\n## Why it matters\n\nDigital public goods are open-source software, "
        "open data, open AI models and open content that respect privacy, do no harm and help attain "
        "the Sustainable Development Goals. A technology office at the heart of the UN Secretariat "
        "brings the experience of running such systems at scale.",
        ["Membership", "United Nations"],
        ["oict", "undp", "unicef", "un-global-pulse", "office-of-the-tech-envoy", "who"],
        True, 1, Announcement.Status.PUBLISHED, True,
    ),
    (
        "what-is-a-digital-public-good",
        "What makes a digital public good",
        "Open source, open data, open AI models and open content, built to respect privacy, do no "
        "harm and help attain the Sustainable Development Goals.",
        "The alliance is a multi-stakeholder initiative. Its members share one aim: more digital "
        "public goods, and more use of them.\n\nA digital public good is one of:\n\n"
        "* open-source software,\n* open data,\n* an open AI model, or\n* open content,\n\n"
        "that adheres to privacy best practices, does no harm by design and helps attain the "
        "Sustainable Development Goals.",
        ["Digital public goods", "Open source", "Open data"],
        [], True, 5, Announcement.Status.PUBLISHED, False,
    ),
    (
        "undp-and-unicef-on-the-board",
        "UNDP and UNICEF hold seats on the alliance's board",
        "Two UN entities, the UNDP and UNICEF, are among the members that sit on the board.",
        "The United Nations Development Programme and the United Nations Children's Fund are board "
        "members of the alliance. The member directory marks every member that holds a board seat.",
        ["Governance", "United Nations"],
        ["undp", "unicef"], False, 9, Announcement.Status.PUBLISHED, False,
    ),
    (
        "governments-in-the-alliance",
        "Three governments in the alliance",
        "Estonia's Ministry of Foreign Affairs, Rwanda's Ministry of ICT and Innovation and "
        "Uganda's Ministry of ICT and National Guidance are members.",
        "Governments are among the alliance's members. Three ministries take part: the Republic of "
        "Estonia's Ministry of Foreign Affairs, Rwanda's Ministry of ICT and Innovation, and Uganda's "
        "Ministry of ICT and National Guidance. USAID is a member too.",
        ["Governments"],
        ["estonia-mfa", "rwanda-minict", "uganda-moict", "usaid"], False, 14,
        Announcement.Status.PUBLISHED, False,
    ),
    (
        "foundations-companies-and-non-profits",
        "Foundations, companies and non-profits in the alliance",
        "From the Gates Foundation to GitHub and Thoughtworks: the members outside the UN and governments.",
        "The alliance brings together more than UN entities and governments. The Bill & Melinda Gates "
        "Foundation, the eGov Foundation, the Foundation for Public Code and data.org are members, "
        "as are the companies GitHub and Thoughtworks.",
        ["Membership", "Open source"],
        ["gates-foundation", "egov-foundation", "foundation-for-public-code", "data-org", "github",
         "thoughtworks"],
        False, 20, Announcement.Status.PUBLISHED, False,
    ),
    (
        "un-entities-working-together",
        "UN entities working together on digital public goods",
        "UNDP, UNICEF, UN Global Pulse, the Tech Envoy's office, WHO, FAO and OICT are all members.",
        "Seven UN entities are members of the alliance, from health (WHO) and food (FAO) to "
        "development (UNDP) and children (UNICEF).",
        ["United Nations"],
        ["undp", "unicef", "un-global-pulse", "office-of-the-tech-envoy", "who", "fao", "oict"],
        False, 30, Announcement.Status.PUBLISHED, False,
    ),
    (
        "open-ai-models-draft",
        "Open AI models as digital public goods (draft)",
        "A draft an editor is still working on: it is not public.",
        "Notes for a future announcement on open AI models.",
        ["Open AI models"], [], False, 0, Announcement.Status.DRAFT, False,
    ),
]  # fmt: skip

DEMO_ADMIN = "demo-admin"


class Command(BaseCommand):
    help = "Load the demo members and announcements. Running it again changes nothing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--admin",
            action="store_true",
            help=f"Also create a superuser '{DEMO_ADMIN}' with a random password, printed once.",
        )
        # Where the site will be served (`make run` passes its HOST and PORT), for the
        # admin's address printed with --admin: the defaults are runserver's.
        parser.add_argument("--host", default="127.0.0.1", help="default: 127.0.0.1")
        parser.add_argument("--port", type=int, default=8000, help="default: 8000")

    @transaction.atomic
    def handle(self, *args, admin=False, host="127.0.0.1", port=8000, **options):
        today = timezone.localdate()
        members = {}
        created_members = 0
        for slug, name, short, category, board, country, colour, description in MEMBERS:
            joined = today if slug == "oict" else today - datetime.timedelta(days=365)
            member, created = Member.objects.get_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "short_name": short,
                    "category": category,
                    "is_board_member": board,
                    "country": country,
                    "description": description,
                    "joined_on": joined,
                },
            )
            if created:
                created_members += 1
                member.picture.save(
                    f"{slug}.png", ContentFile(logo_png(short or name[:2].upper(), colour))
                )
            members[slug] = member

        created_news = 0
        now = timezone.now()
        for (
            slug,
            title,
            summary,
            body,
            tags,
            about,
            featured,
            days,
            status,
            picture,
        ) in ANNOUNCEMENTS:
            if Announcement.objects.filter(slug=slug).exists():
                continue
            announcement = Announcement(
                slug=slug,
                title=title,
                summary=summary,
                body=body,
                featured=featured,
                status=status,
                publish_at=now - datetime.timedelta(days=days),
            )
            if picture:
                announcement.picture_alt = "The alliance's name on a blue and green background."
                announcement.picture_caption = "The alliance's banner."
                announcement.picture_credit = "Alliance site team"
                announcement.picture.save(
                    f"{slug}.jpg", ContentFile(banner_jpeg("Digital Public Goods")), save=False
                )
            announcement.save()
            announcement.tags.set(tags)
            announcement.members.set([members[s] for s in about])
            created_news += 1

        created_translations = load_demo_translations()
        self.stdout.write(self.style.SUCCESS(f"Demo translations: {created_translations} created."))
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo content: {created_members} members and {created_news} announcements created "
                f"({Member.objects.count()} members and {Announcement.objects.count()} announcements in all)."
            )
        )
        if admin:
            self._demo_admin(f"http://{host}:{port}{reverse('admin:index')}")
        else:
            self.stdout.write("Create an admin account with: python manage.py createsuperuser")

    def _demo_admin(self, login_address):
        User = get_user_model()
        if User.objects.filter(username=DEMO_ADMIN).exists():
            self.stdout.write(
                f"The admin account '{DEMO_ADMIN}' exists already (log in at {login_address}); "
                f"to set a new password run: python manage.py changepassword {DEMO_ADMIN}"
            )
            return
        password = secrets.token_urlsafe(12)
        user = User.objects.create_superuser(DEMO_ADMIN, email="", password=password)
        user.groups.add(*Group.objects.filter(name="Publishers"))
        self.stdout.write(
            self.style.WARNING(
                f"Admin account created: user '{DEMO_ADMIN}', password '{password}' "
                f"(shown only this once). Log in at {login_address}"
            )
        )
