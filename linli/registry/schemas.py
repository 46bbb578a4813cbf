"""API schemas of the registry. Personal data only ever leaves masked (`*_masked` fields).

Areas are integer hundredths of m² (`area`), with the display text beside them (`area_m2`).
"""

from __future__ import annotations

from ninja import Field, Schema


class EstateOut(Schema):
    id: int
    community_id: int
    name: str
    address: str
    built_year: int | None
    building_count: int = Field(..., description="Buildings in this estate.")
    unit_count: int = Field(..., description="Units (flats, parking spaces, shops) in this estate.")


class BuildingOut(Schema):
    id: int
    estate_id: int
    number: str
    floors: int
    has_elevator: bool
    entrance_count: int
    unit_count: int


class EstateDetailOut(Schema):
    id: int
    community_id: int
    name: str
    address: str
    built_year: int | None
    buildings: list[BuildingOut]


class EntranceOut(Schema):
    id: int
    building_id: int
    number: str
    unit_count: int


class UnitBriefOut(Schema):
    id: int
    kind: str = Field(..., description="flat, parking or shop.")
    number: str
    floor: int
    area: int = Field(..., description="Exclusive area in hundredths of m² (8950 = 89.50 m²).")
    area_m2: str = Field(..., examples=["89.50"])


class BuildingDetailOut(Schema):
    id: int
    estate_id: int
    estate_name: str
    number: str
    floors: int
    has_elevator: bool
    entrances: list[EntranceOut]
    loose_units: list[UnitBriefOut] = Field(
        ..., description="Parking spaces and shops of the building outside any entrance."
    )


class OwnerOut(Schema):
    person_id: int
    name_masked: str = Field(..., examples=["张*丰"])
    is_representative: bool
    developer_status: str


class OccupantOut(Schema):
    person_id: int
    name_masked: str = Field(..., examples=["李*"])
    relation: str = Field(..., description="owner, family or tenant.")


class UnitOut(UnitBriefOut):
    community_id: int
    estate_id: int
    building_id: int | None
    entrance_id: int | None
    label: str
    area_source: str = Field(..., description="register, surveyed or contract.")
    owners: list[OwnerOut]
    occupants: list[OccupantOut]


class PersonOut(Schema):
    id: int
    community_id: int
    kind: str = Field(..., description="individual or organisation.")
    name_masked: str = Field(..., examples=["张*丰"])
    phone_masked: str = Field(..., examples=["138****5678"])
    id_number_masked: str = Field(..., examples=["3*************1234"])
    is_developer: bool
