"""The five spaces in the admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from linli.spaces.models import Space
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return f.UserFactory(is_staff=True, is_superuser=True)


def test_spaces_are_listed_in_the_admin(client, superuser):
    Space.objects.create(community=f.CommunityFactory(), name="邻里议事", code="council")
    client.force_login(superuser)

    response = client.get(reverse("admin:spaces_space_changelist"))

    assert response.status_code == 200
    assert "邻里议事" in response.content.decode()
