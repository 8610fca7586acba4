"""Children's records and chronologies (views/children.py) and the MASH front door (views/mash.py)."""

from django.urls import path

from safeguard.casework.views import children, mash

app_name = "casework"

urlpatterns = [
    path("children/", children.child_list, name="child_list"),
    path("children/new/", children.register_child, name="register_child"),
    path("children/<int:pk>/", children.child_detail, name="child_detail"),
    path("children/<int:pk>/chronology/new/", children.add_entry, name="add_entry"),
    path("children/<int:pk>/chronology/<int:entry_pk>/amend/", children.amend_entry, name="amend_entry"),
    path("children/<int:pk>/contacts/new/", mash.record_contact, name="record_contact"),
    path("mash/", mash.contact_list, name="contact_list"),
    path("mash/contacts/<int:pk>/", mash.contact_detail, name="contact_detail"),
    path("mash/contacts/<int:pk>/rate/", mash.rate_contact, name="rate_contact"),
    path("mash/contacts/<int:pk>/decide/", mash.decide_contact, name="decide_contact"),
    path("mash/contacts/<int:pk>/close/", mash.close_contact, name="close_contact"),
]
