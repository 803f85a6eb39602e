"""The search form: words, and filters by topic (tag), member and year.

A filter's choices are those the site has (reading.ways_through_news()); any
other value is a form error (the page answers 400), never a 500.
"""

from django import forms
from django.utils.translation import gettext_lazy as _


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search the news"),
        max_length=200,
        required=False,
        error_messages={"max_length": _("Please search with at most %(limit_value)d characters.")},
    )
    tag = forms.ChoiceField(label=_("Topic"), required=False)
    member = forms.ChoiceField(label=_("Member"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, topics=(), members=(), years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].choices = [("", _("Any topic"))] + [
            (topic.slug, topic.name) for topic in topics
        ]
        self.fields["member"].choices = [("", _("Any member"))] + list(members)
        self.fields["year"].choices = [("", _("Any year"))] + [(y, str(y)) for y in years]

    def filters(self):
        """The filters asked for: {"tag": slug, "member": slug, "year": int}, empty ones left out."""
        data = self.cleaned_data if self.is_valid() else {}
        return {name: data[name] for name in ("tag", "member", "year") if data.get(name)}
