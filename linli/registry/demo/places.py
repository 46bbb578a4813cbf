"""The demo's places: 小营街道 with 上羊市街社区 (three estates) and a small 始版桥社区,
the shape of every estate, the story's fixed buildings, and the five spaces. Chinese data."""

from __future__ import annotations

from dataclasses import dataclass

MAIN = "shangyangshi"
SECOND = "shibanqiao"

STREET = {"name": "小营街道", "code": "xiaoying", "district": "上城区", "city": "杭州市"}


@dataclass(frozen=True)
class CommunitySpec:
    key: str
    name: str
    address: str
    phone: str


COMMUNITIES = (
    CommunitySpec(MAIN, "上羊市街社区", "杭州市上城区上羊市街59号", "0571-87063210"),
    CommunitySpec(SECOND, "始版桥社区", "杭州市上城区始版桥直街12号", "0571-86081234"),
)


@dataclass(frozen=True)
class BuildingSpec:
    """A building whose shape the story fixes (the others are drawn from the estate's ranges)."""

    number: str
    entrances: int
    floors: int
    flats_per_floor: int
    elevator: bool = False


@dataclass(frozen=True)
class EstateSpec:
    key: str
    community: str
    name: str
    address: str
    built_year: int
    buildings: int
    fixed: tuple[BuildingSpec, ...]
    floor_choices: tuple[int, ...]
    entrance_choices: tuple[int, ...]
    flat_choices: tuple[int, ...]


JINSHIYUAN = "jinshiyuan"
SHANGYANGSHIJIE = "shangyangshijie"
CHENGTOUXIANG = "chengtouxiang"
SHIBANQIAO = "shibanqiao"

ESTATES = (
    EstateSpec(
        JINSHIYUAN,
        MAIN,
        "金狮苑",
        "杭州市上城区上羊市街金狮苑",
        1995,
        buildings=24,
        fixed=(
            # Buildings 7 and 8: the estate whose property company walked out.
            BuildingSpec("7", entrances=3, floors=6, flats_per_floor=2),
            BuildingSpec("8", entrances=3, floors=6, flats_per_floor=2),
            # A later infill tower, the estate's only lift.
            BuildingSpec("22", entrances=1, floors=12, flats_per_floor=4, elevator=True),
            # Building 24: a 7-floor walk-up over the basement garage; entrance 1 asks for a lift.
            BuildingSpec("24", entrances=2, floors=7, flats_per_floor=2),
        ),
        floor_choices=(5, 6, 6, 6, 7),
        entrance_choices=(1, 2, 2, 3, 3, 4),
        flat_choices=(2, 2, 2, 3),
    ),
    EstateSpec(
        SHANGYANGSHIJIE,
        MAIN,
        "上羊市街小区",
        "杭州市上城区上羊市街",
        1984,
        buildings=12,
        fixed=(),
        floor_choices=(5, 5, 6, 6),
        entrance_choices=(1, 2, 2, 3, 4),
        flat_choices=(2, 3, 3),
    ),
    EstateSpec(
        CHENGTOUXIANG,
        MAIN,
        "城头巷小区",
        "杭州市上城区城头巷",
        1992,
        buildings=10,
        fixed=(
            BuildingSpec("9", entrances=1, floors=16, flats_per_floor=4, elevator=True),
            BuildingSpec("10", entrances=2, floors=18, flats_per_floor=4, elevator=True),
        ),
        floor_choices=(6, 6, 7),
        entrance_choices=(2, 3),
        flat_choices=(2, 2, 3),
    ),
    EstateSpec(
        SHIBANQIAO,
        SECOND,
        "始版桥小区",
        "杭州市上城区始版桥直街",
        1988,
        buildings=4,
        fixed=(),
        floor_choices=(5, 6),
        entrance_choices=(1, 2),
        flat_choices=(2,),
    ),
)

# Flat areas in hundredths of m², by how many flats share a landing: old walk-ups are small.
AREA_RANGES: dict[int, tuple[int, int]] = {2: (5800, 9200), 3: (4500, 7800), 4: (7800, 13000)}

# (estate, building, count): shops on the ground floor facing the street.
SHOPS = ((SHANGYANGSHIJIE, "1", 4), (CHENGTOUXIANG, "1", 2))

# The basement garage under 金狮苑 building 24: 45 spaces, all owned separately.
GARAGE = (JINSHIYUAN, "24", 45)
PARKING_AREA_RANGE = (1200, 1500)


@dataclass(frozen=True)
class SpaceSpec:
    code: str
    name: str
    capacity: int
    location: str
    description: str


# The five spaces of the Party–masses service centre (五大空间).
SPACES = (
    SpaceSpec(
        "service",
        "邻里服务",
        12,
        "党群服务中心一楼",
        "一站式便民服务：证明开具、政策咨询、代办事项，你点我来服务在此下单。",
    ),
    SpaceSpec(
        "stage",
        "邻里舞台",
        120,
        "党群服务中心二楼多功能厅",
        "社区春晚、邻居节演出与文艺队排练的舞台。",
    ),
    SpaceSpec(
        "academy",
        "邻里学苑",
        40,
        "党群服务中心三楼",
        "书画、健康、智能手机等课程与讲座，辖区单位送课上门。",
    ),
    SpaceSpec(
        "corner",
        "邻里天地",
        30,
        "党群服务中心一楼东侧",
        "居民休闲交流的客厅：读书、下棋、喝茶聊天。",
    ),
    SpaceSpec(
        "council",
        "邻里议事",
        24,
        "党群服务中心二楼议事厅",
        "议事协商会、三方协商会和月坛季会的会场。",
    ),
)
