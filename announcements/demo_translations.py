"""Demo translations: the OICT announcement in four more languages (not Russian), the
UNDP's name and description, and a few tag names.

Russian is left out on purpose: /ru/news/oict-joins-the-alliance/ shows the
English original with a notice, as a page without a translation does.
"""

from taggit.models import Tag

from announcements.models import Announcement, AnnouncementTranslation, TagTranslation
from members.models import Member, MemberTranslation

OICT_SLUG = "oict-joins-the-alliance"

# language: (title, slug, summary, body, picture alt text)
OICT_TRANSLATIONS = {
    "fr": (
        "Le Bureau de l’informatique et des communications des Nations Unies rejoint l’alliance",
        "le-bureau-de-l-informatique-rejoint-l-alliance",
        "L’OICT, le bureau qui gère les technologies du Secrétariat de l’ONU, est le plus récent membre de l’alliance.",
        "Le Bureau de l’informatique et des communications des Nations Unies (OICT) est devenu le "
        "plus récent membre de l’alliance.\n\nL’OICT rejoint des membres qui comptent déjà plusieurs "
        "entités des Nations Unies : le [PNUD](/fr/members/undp/) et l’[UNICEF](/fr/members/unicef/), "
        "qui siègent au conseil, UN Global Pulse, le Bureau de l’Envoyé du Secrétaire général pour les "
        "technologies et l’Organisation mondiale de la Santé.\n\n## Pourquoi c’est important\n\n"
        "Les biens publics numériques sont des logiciels open source, des données ouvertes, des modèles "
        "d’IA ouverts et des contenus ouverts qui respectent la vie privée, ne nuisent pas et aident à "
        "atteindre les objectifs de développement durable. Un bureau des technologies au cœur du "
        "Secrétariat de l’ONU apporte l’expérience de tels systèmes à grande échelle.",
        "Le nom de l’alliance sur un fond bleu et vert.",
    ),
    "ar": (
        "مكتب تكنولوجيا المعلومات والاتصالات التابع للأمم المتحدة ينضم إلى التحالف",
        "مكتب-تكنولوجيا-المعلومات-ينضم-إلى-التحالف",
        "أصبح مكتب تكنولوجيا المعلومات والاتصالات، الذي يدير التكنولوجيا في الأمانة العامة للأمم المتحدة، أحدث أعضاء التحالف.",
        "أصبح مكتب تكنولوجيا المعلومات والاتصالات التابع للأمم المتحدة (OICT) أحدث أعضاء التحالف.\n\n"
        "ينضم المكتب إلى أعضاء يضمّون بالفعل عدة كيانات تابعة للأمم المتحدة: "
        "[برنامج الأمم المتحدة الإنمائي](/ar/members/undp/) و[اليونيسف](/ar/members/unicef/) اللذين "
        "يشغلان مقعدين في المجلس، ومبادرة النبض العالمي للأمم المتحدة، ومكتب مبعوث الأمين العام "
        "المعني بالتكنولوجيا، ومنظمة الصحة العالمية.\n\n## لماذا يهم ذلك\n\n"
        "المنافع العامة الرقمية هي برمجيات مفتوحة المصدر وبيانات مفتوحة ونماذج ذكاء اصطناعي مفتوحة "
        "ومحتوى مفتوح تحترم الخصوصية ولا تُلحق ضررًا وتساعد على تحقيق أهداف التنمية المستدامة. "
        "ويجلب مكتب للتكنولوجيا في قلب الأمانة العامة للأمم المتحدة خبرة تشغيل مثل هذه الأنظمة على نطاق واسع.",
        "اسم التحالف على خلفية زرقاء وخضراء.",
    ),
    "es": (
        "La Oficina de Tecnología de la Información y las Comunicaciones de las Naciones Unidas se une a la alianza",
        "la-oficina-de-tecnologia-se-une-a-la-alianza",
        "La OICT, la oficina que gestiona la tecnología de la Secretaría de las Naciones Unidas, es el miembro más reciente de la alianza.",
        "La Oficina de Tecnología de la Información y las Comunicaciones de las Naciones Unidas (OICT) "
        "es el miembro más reciente de la alianza.\n\nLa OICT se suma a unos miembros que ya incluyen "
        "varias entidades de las Naciones Unidas: el [PNUD](/es/members/undp/) y "
        "[UNICEF](/es/members/unicef/), que tienen puestos en la junta, UN Global Pulse, la Oficina del "
        "Enviado del Secretario General para la Tecnología y la Organización Mundial de la Salud.",
        "El nombre de la alianza sobre un fondo azul y verde.",
    ),
    "zh-hans": (
        "联合国信息和通信技术厅加入联盟",
        "联合国信息和通信技术厅加入联盟",
        "负责联合国秘书处技术工作的信息和通信技术厅成为联盟的最新成员。",
        "联合国信息和通信技术厅（OICT）已成为联盟的最新成员。\n\n"
        "联盟成员中已有多个联合国实体：在理事会拥有席位的[开发计划署](/zh-hans/members/undp/)和"
        "[儿基会](/zh-hans/members/unicef/)，以及联合国全球脉动、秘书长技术问题特使办公室和世界卫生组织。",
        "蓝绿色背景上的联盟名称。",
    ),
}

# language: the picture's caption
OICT_CAPTIONS = {
    "fr": "La bannière de l’alliance.",
    "ar": "شعار التحالف.",
    "es": "El cartel de la alianza.",
    "zh-hans": "联盟横幅。",
}

# language: (name, acronym)
UNDP_NAMES = {
    "fr": ("Programme des Nations Unies pour le développement", "PNUD"),
    "ar": ("برنامج الأمم المتحدة الإنمائي", ""),
    "es": ("Programa de las Naciones Unidas para el Desarrollo", "PNUD"),
}

# tag slug: {language: name}
TAG_NAMES = {
    "united-nations": {"fr": "Nations Unies", "ar": "الأمم المتحدة", "es": "Naciones Unidas"},
    "membership": {"fr": "Adhésion", "ar": "العضوية", "es": "Membresía"},
    "digital-public-goods": {
        "fr": "Biens publics numériques",
        "ar": "المنافع العامة الرقمية",
        "es": "Bienes públicos digitales",
    },
}

UNDP_DESCRIPTIONS = {
    "fr": "L’agence des Nations Unies pour le développement, et l’un des membres du conseil de l’alliance.",
    "ar": "وكالة الأمم المتحدة للتنمية، وأحد أعضاء مجلس التحالف.",
    "es": "La agencia de las Naciones Unidas para el desarrollo, y uno de los miembros de la junta de la alianza.",
}


def load_demo_translations():
    """Add the demo translations that are missing; returns how many were created."""
    created = 0
    announcement = Announcement.objects.filter(slug=OICT_SLUG).first()
    if announcement is not None:
        for language, (title, slug, summary, body, alt) in OICT_TRANSLATIONS.items():
            _obj, was_created = AnnouncementTranslation.objects.get_or_create(
                announcement=announcement,
                language=language,
                defaults={
                    "title": title,
                    "slug": slug,
                    "summary": summary,
                    "body": body,
                    "picture_alt": alt,
                    "picture_caption": OICT_CAPTIONS.get(language, ""),
                },
            )
            created += was_created
    member = Member.objects.filter(slug="undp").first()
    if member is not None:
        for language, description in UNDP_DESCRIPTIONS.items():
            name, short_name = UNDP_NAMES.get(language, ("", ""))
            _obj, was_created = MemberTranslation.objects.get_or_create(
                member=member,
                language=language,
                defaults={"description": description, "name": name, "short_name": short_name},
            )
            created += was_created
    for tag in Tag.objects.filter(slug__in=TAG_NAMES):
        for language, name in TAG_NAMES[tag.slug].items():
            _obj, was_created = TagTranslation.objects.get_or_create(
                tag=tag, language=language, defaults={"name": name}
            )
            created += was_created
    return created
