from django.urls import path

from . import views

urlpatterns = [
    path("pay/<str:token>/", views.pay, name="payment-pay"),
    path("receipt/<code:reference>/", views.public_receipt, name="payment-public-receipt"),
    path("return/<code:reference>/", views.payment_return, name="payment-return"),
    path("simulator/paygov/<str:token>/", views.paygov_simulator, name="paygov-simulator"),
]
