from django import forms
from django.utils.translation import gettext_lazy as _


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search the news"),
        max_length=200,
        required=False,
        error_messages={"max_length": _("Please search with at most %(limit_value)d characters.")},
    )
