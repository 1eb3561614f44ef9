from django.urls import path

from desk import case, papers

from . import lookup, signup, views

urlpatterns = [
    path("", lookup.home, name="home"),
    path("result/", lookup.home_result, name="home-result"),
    path("signup/", signup.signup, name="signup"),
    path("procedures/", views.procedures, name="portal-procedures"),
    path("procedures/<code:code>/submit/", views.submit, name="portal-submit"),
    path("submitted/<code:reference>/", views.submitted, name="portal-submitted"),
    path("my/cases/", views.my_cases, name="my-cases"),
    # The applicant's own view of the case page and its papers (the desk's views, by role).
    path("my/cases/<code:code>/", case.case_page, name="my-case"),
    path("my/cases/<code:code>/forms/<int:event_id>/", papers.event_form, name="my-form"),
    path("my/cases/<code:code>/result/", papers.result_signed, name="my-result"),
]
