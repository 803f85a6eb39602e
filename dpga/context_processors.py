from django.conf import settings


def site(request):
    return {"site_name": settings.SITE_NAME}


def csp_nonce(request):
    """django-csp's nonce as {{ csp_nonce }} (Django 5.2; Django 6 has its own processor).

    Lazy: the nonce is made (and added to the header) only if a template uses it.
    """
    return {"csp_nonce": getattr(request, "csp_nonce", None)}
