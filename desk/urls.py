from django.urls import path

from . import auth, case, counter, fee_steps, officer, papers

urlpatterns = [
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("desk/", auth.desk, name="desk"),
    path("desk/counter/", counter.intake, name="counter-intake"),
    path("desk/counter/procedures/", counter.procedure_options, name="counter-procedures"),
    path("desk/counter/submissions/", counter.submissions, name="counter-submissions"),
    path("desk/queue/", counter.work_queue, name="work-queue"),
    path("desk/officer/", officer.officer_desk, name="officer-desk"),
    path("desk/signer/", officer.signer_desk, name="signer-desk"),
    path("desk/signer/sign/", officer.sign_selected, name="sign-selected"),
    path("desk/cases/<code:code>/", case.case_page, name="case"),
    path("desk/cases/<code:code>/receipt/", counter.receipt, name="receipt"),
    path("desk/cases/<code:code>/actions/<str:action>/", case.act, name="case-act"),
    path("desk/cases/<code:code>/fees/<str:step>/", fee_steps.fee_step, name="case-fees"),
    path(
        "desk/cases/<code:code>/fees/<str:step>/<code:reference>/",
        fee_steps.fee_step,
        name="case-fees-payment",
    ),
    path(
        "desk/cases/<code:code>/documents/<int:document_id>/",
        papers.case_scan,
        name="desk-case-scan",
    ),
    path("desk/cases/<code:code>/receipt/pdf/", papers.receipt_pdf, name="receipt-pdf"),
    path("desk/cases/<code:code>/receipt/reprint/", papers.receipt_reprint, name="receipt-reprint"),
    path("desk/cases/<code:code>/forms/<int:event_id>/", papers.event_form, name="desk-form"),
    path(
        "desk/cases/<code:code>/results/<uuid:document_id>/draft/",
        papers.result_draft,
        name="desk-result-draft",
    ),
    path("desk/cases/<code:code>/result/", papers.result_signed, name="desk-result"),
]
