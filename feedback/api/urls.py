from django.urls import path

from . import views

urlpatterns = [
    path("feedback/", views.FeedbackListView.as_view(), name="feedback-list"),
    path(
        "feedback/public/<code:code>/",
        views.PublicCaseFeedbackView.as_view(),
        name="feedback-public-case",
    ),
    path(
        "feedback/public/<code:code>/<code:reference>/rating/",
        views.PublicFeedbackRatingView.as_view(),
        name="feedback-public-rating",
    ),
    path("feedback/<code:reference>/", views.FeedbackDetailView.as_view(), name="feedback-detail"),
    path(
        "feedback/<code:reference>/answer/",
        views.FeedbackAnswerView.as_view(),
        name="feedback-answer",
    ),
    path(
        "feedback/<code:reference>/rating/",
        views.FeedbackRatingView.as_view(),
        name="feedback-rating",
    ),
]
