"""Reviews, plans and actions. Views live in views/register.py (reviews and plans),
views/actions.py (actions and the all-actions list) and views/spreadsheets.py (export and import)."""

from django.urls import path

from safeguard.reviews.views import actions, register, spreadsheets

app_name = "reviews"

urlpatterns = [
    # The review register and a review's own pages.
    path("reviews/", register.review_register, name="register"),
    path("reviews/new/", register.review_create, name="review_create"),
    path("reviews/<int:pk>/", register.review_detail, name="review_detail"),
    path("reviews/<int:pk>/edit/", register.review_edit, name="review_edit"),
    path("reviews/<int:pk>/status/", register.review_move, name="review_move"),
    path("reviews/<int:pk>/findings/new/", register.finding_create, name="finding_create"),
    path(
        "reviews/<int:pk>/recommendations/new/", register.recommendation_create, name="recommendation_create"
    ),
    path(
        "recommendations/<int:pk>/response/", register.recommendation_response, name="recommendation_response"
    ),
    path("reviews/<int:pk>/plans/new/", register.plan_create, name="plan_create"),
    # Plans.
    path("plans/<int:pk>/", register.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/versions/<int:number>/", register.plan_version, name="plan_version"),
    path("plans/<int:pk>/submit/", register.plan_submit, name="plan_submit"),
    path("plans/<int:pk>/approve/", register.plan_approve, name="plan_approve"),
    path("plans/<int:pk>/return/", register.plan_return, name="plan_return"),
    path("plans/<int:pk>/actions/new/", register.action_create, name="action_create"),
    # Actions.
    path("actions/", actions.action_list, name="action_list"),
    path("actions/<int:pk>/", actions.action_detail, name="action_detail"),
    path("actions/<int:pk>/edit/", actions.action_edit, name="action_edit"),
    path("actions/<int:pk>/criteria/new/", actions.criterion_create, name="criterion_create"),
    path("actions/<int:pk>/updates/new/", actions.update_create, name="update_create"),
    path("actions/<int:pk>/evidence/new/", actions.evidence_create, name="evidence_create"),
    path("actions/<int:pk>/complete/", actions.action_complete, name="action_complete"),
    path("actions/<int:pk>/impact/new/", actions.impact_create, name="impact_create"),
    path("actions/<int:pk>/close/", actions.action_close, name="action_close"),
    path("actions/<int:pk>/reopen/", actions.action_reopen, name="action_reopen"),
    path("actions/<int:pk>/reprogramme/", actions.action_reprogramme, name="action_reprogramme"),
    path("actions/<int:pk>/rag/", actions.action_rag, name="action_rag"),
    path("evidence/<int:pk>/decide/", actions.evidence_decide, name="evidence_decide"),
    path("evidence/<int:pk>/download/", actions.evidence_download, name="evidence_download"),
    # Spreadsheets.
    path("actions/export.<str:fmt>", spreadsheets.actions_export, name="actions_export"),
    path("reviews/<int:pk>/import/", spreadsheets.import_start, name="import_start"),
    path("imports/<int:pk>/", spreadsheets.import_detail, name="import_detail"),
    path("imports/<int:pk>/progress/", spreadsheets.import_progress, name="import_progress"),
]
