from django.urls import path

from . import web

urlpatterns = [
    path("desk/feedback/", web.desk, name="feedback-desk"),
    path("desk/feedback/new/", web.desk_new, name="feedback-desk-new"),
    path("desk/feedback/alerts/read/", web.alerts_read, name="feedback-alerts-read"),
    path("desk/feedback/<code:reference>/", web.desk_detail, name="feedback-desk-detail"),
    path("feedback/", web.lookup, name="feedback-lookup"),
    path("feedback/case/", web.case_page, name="feedback-case"),
    path("feedback/case/<code:reference>/rating/", web.case_rate, name="feedback-case-rate"),
    path("feedback/mine/", web.mine, name="feedback-mine"),
    path("feedback/mine/<code:reference>/rating/", web.mine_rate, name="feedback-mine-rate"),
]
