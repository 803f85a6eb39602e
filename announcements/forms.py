"""The public forms of the news: search (words, and filters by topic, member and
year) and the email subscription.

A search filter's choices are those the site has (reading.ways_through_news()); any
other value is a form error (the page answers 400), never a 500.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from members.models import Member

from .models import Announcement, Subscriber, normalise_email


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


def _tag_choices():
    return Tag.objects.filter(pk__in=Announcement.objects.published().values("tags")).order_by(
        "name"
    )


class SubscriptionForm(forms.ModelForm):
    """What to follow, how often and in which language (the address only on sign-up)."""

    class Meta:
        model = Subscriber
        fields = ["email", "all_news", "tags", "members", "frequency", "language"]
        widgets = {
            "tags": forms.CheckboxSelectMultiple,
            "members": forms.CheckboxSelectMultiple,
            "frequency": forms.RadioSelect,
        }
        labels = {"all_news": _("All news")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tags"].queryset = _tag_choices()
        self.fields["members"].queryset = Member.objects.listed().order_by("name")
        if self.instance.pk:
            del self.fields["email"]

    def clean_email(self):
        return normalise_email(self.cleaned_data["email"])

    def validate_unique(self):
        """One row per address: signing up again is not an error to show (it would
        tell anyone which addresses are subscribed)."""

    def clean(self):
        data = super().clean()
        if not (data.get("all_news") or data.get("tags") or data.get("members")):
            raise forms.ValidationError(_("Choose all news, or at least one tag or member."))
        return data
