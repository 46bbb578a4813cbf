from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class CoreConfig(AppConfig):
    name = "linli.core"
    label = "core"
    verbose_name = _("Core")


# Django's form label suffix is gettext(":"); listed here so that our catalogue can give
# Chinese its full-width colon (Django's own zh_Hans catalogue keeps the ASCII one).
# Translators: the colon after a form field's label.
LABEL_SUFFIX = gettext_noop(":")
