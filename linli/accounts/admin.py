"""Admin for accounts. Roles, tokens and throttles change only through the services, so that
the admin leaves the same audit trail as the pages; consents are read-only records."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from linli.accounts import services
from linli.accounts.models import ApiToken, Consent, RoleAssignment, Throttle, User
from linli.core.errors import LinliError


def _phone_form_field() -> forms.CharField:
    # Wider than the stored 11 digits, so that "+86 139-1234-5678" can be typed and normalised.
    return forms.CharField(label=_("mobile phone"), max_length=20)


class UserCreationAdminForm(AdminUserCreationForm):
    phone = _phone_form_field()

    class Meta:
        model = User
        fields = ("phone", "name")

    def clean_phone(self) -> str:
        try:
            phone = services.normalise_phone(self.cleaned_data.get("phone", ""))
        except LinliError as exc:
            raise forms.ValidationError(exc.message) from exc
        if User.objects.filter(phone=phone).exists():
            raise forms.ValidationError(
                _("An account with this mobile phone number already exists.")
            )
        return phone


class UserChangeAdminForm(UserChangeForm):
    phone = _phone_form_field()

    class Meta:
        model = User
        fields = "__all__"
        field_classes: dict[str, Any] = {}

    def clean_phone(self) -> str:
        try:
            return services.normalise_phone(self.cleaned_data.get("phone", ""))
        except LinliError as exc:
            raise forms.ValidationError(exc.message) from exc


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Accounts log in with a mobile phone number; there is no username."""

    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    fieldsets = (
        (None, {"fields": ("phone", "password")}),
        (_("Personal info"), {"fields": ("name", "email")}),
        (_("Display"), {"fields": ("elder_mode", "language", "current_community")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("phone", "name", "usable_password", "password1", "password2"),
            },
        ),
    )
    list_display = ("phone", "name", "is_active", "is_staff", "date_joined")
    list_filter = ("is_active", "is_staff", "is_superuser", "elder_mode")
    search_fields = ("phone", "name", "email")
    ordering = ("phone",)
    readonly_fields = ("last_login", "date_joined")
    raw_id_fields = ("current_community",)


class RoleAssignmentAdminForm(forms.ModelForm):
    request: HttpRequest | None = None

    class Meta:
        model = RoleAssignment
        fields = ("user", "community", "role", "organisation")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        community, role, user = data.get("community"), data.get("role"), data.get("user")
        if community is None or not role or user is None or self.request is None:
            return data
        try:
            services.check_role_manager(
                actor=self.request.user, community_id=community.pk, role=role
            )
        except LinliError as exc:
            raise forms.ValidationError(exc.message) from exc
        organisation = data.get("organisation")
        if organisation is not None and organisation.community_id != community.pk:
            raise forms.ValidationError(_("This organisation belongs to another community."))
        if RoleAssignment.objects.filter(user=user, community=community, role=role).exists():
            raise forms.ValidationError(_("This person already has this role in this community."))
        return data


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    """Roles are granted and revoked through the services (permission check + audit row)."""

    form = RoleAssignmentAdminForm
    list_display = ("user", "community", "role", "organisation", "granted_at")
    list_filter = ("role",)
    search_fields = ("user__phone", "user__name", "community__name")
    list_select_related = ("user", "community", "organisation")
    raw_id_fields = ("user", "community", "organisation")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A role is granted or revoked, never edited.
        return False

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request = request  # type: ignore[attr-defined]
        return form

    def save_model(
        self, request: HttpRequest, obj: RoleAssignment, form: Any, change: bool
    ) -> None:
        assignment = services.role_grant(
            actor=request.user,
            user=obj.user,
            community=obj.community,
            role=obj.role,
            organisation=obj.organisation,
        )
        obj.pk = assignment.pk
        obj.granted_at = assignment.granted_at

    def delete_model(self, request: HttpRequest, obj: RoleAssignment) -> None:
        services.role_revoke(
            actor=request.user, user=obj.user, community=obj.community, role=obj.role
        )

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[RoleAssignment]) -> None:
        for obj in queryset.select_related("user", "community"):
            self.delete_model(request, obj)


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    """Consent records are evidence: they are read here, never edited."""

    list_display = (
        "purpose",
        "channel",
        "user",
        "person",
        "community",
        "policy_version",
        "given_at",
        "withdrawn_at",
    )
    list_filter = ("purpose", "channel", "policy_version")
    list_select_related = ("user", "person", "community")
    search_fields = ("user__phone", "person__name", "paper_reference")
    date_hierarchy = "given_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created by their owner on the Me page; here they can only be revoked."""

    list_display = ("name", "prefix", "user", "created_at", "last_used_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    list_select_related = ("user",)
    search_fields = ("name", "prefix", "user__phone")
    fields = ("name", "prefix", "user", "created_at", "last_used_at", "revoked_at")
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            services.api_token_revoke(actor=request.user, token_id=token.pk)
        self.message_user(request, _("The selected tokens no longer work."), messages.SUCCESS)


@admin.register(Throttle)
class ThrottleAdmin(admin.ModelAdmin):
    """Login throttles: read them, or lift one for a resident who asks at the office."""

    list_display = ("key", "failures", "last_failure_at")
    search_fields = ("key",)
    fields = ("key", "failures", "last_failure_at")
    readonly_fields = fields
    actions = ["clear"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Lift the selected throttles"), permissions=["change"])
    def clear(self, request: HttpRequest, queryset: QuerySet[Throttle]) -> None:
        for key in queryset.values_list("key", flat=True):
            services.throttle_clear(actor=request.user, key=key)
        self.message_user(request, _("The selected throttles are lifted."), messages.SUCCESS)
