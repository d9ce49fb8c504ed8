from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "lotse.reports"
    label = "reports"

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from lotse.cases.models import Case
        from lotse.counselling.models import Contact
        from lotse.network.models import Referral
        from lotse.reports import store

        # The reporting store follows every contact, topic, referral and case written
        # (store.py).
        post_save.connect(store.contact_saved, sender=Contact, dispatch_uid="store-contact")
        post_save.connect(store.referral_saved, sender=Referral, dispatch_uid="store-referral")
        post_save.connect(store.case_changed, sender=Case, dispatch_uid="store-case-saved")
        post_delete.connect(store.case_changed, sender=Case, dispatch_uid="store-case-deleted")
        m2m_changed.connect(
            store.topics_changed, sender=Contact.topics.through, dispatch_uid="store-topics"
        )
