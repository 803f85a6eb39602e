"""The news app's addresses at the top of each language's site: the home page,
/news/, search and the feeds (included by dpga/urls.py)."""

from django.urls import include, path

from . import subscriptions, views
from .urls import feed_urlpatterns

urlpatterns = [
    path("", views.home, name="home"),
    path("news/", include("announcements.urls")),
    path("search/", views.SearchView.as_view(), name="search"),
    path("", include(feed_urlpatterns)),
]
urlpatterns += [
    path("subscribe/", subscriptions.subscribe, name="subscribe"),
    path("subscribe/confirm/<str:token>/", subscriptions.confirm, name="subscription_confirm"),
    path("subscribe/manage/<str:token>/", subscriptions.manage, name="subscription_manage"),
    path("unsubscribe/<str:token>/", subscriptions.unsubscribe, name="unsubscribe"),
]
