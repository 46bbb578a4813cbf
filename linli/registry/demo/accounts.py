"""The demo accounts: one per role, with memorable phones and one shared, published password.

The role title and the hint are Chinese data shown by `manage.py demo_logins`, like the names.
Where each account lives in the registry (its flats, seats and memberships) is set in build.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from linli.registry.demo.places import MAIN, SECOND

# Published on purpose: the demo is public. Never use it outside the demo.
DEMO_PASSWORD = "linli-demo-2026"  # noqa: S105


@dataclass(frozen=True)
class Grant:
    """A role held in one community, optionally tied to an organisation (by its plan key)."""

    community: str
    role: str
    organisation: str | None = None


@dataclass(frozen=True)
class DemoAccount:
    key: str
    phone: str
    name: str
    title: str
    hint: str
    grants: tuple[Grant, ...] = ()
    superuser: bool = False
    # Sex and birth year for the account's registry person; None: the account has no person.
    sex: str = "M"
    birth_year: int | None = None


# Organisation keys the grants refer to (see build.py for how they are made).
JINSHIYUAN_COMMITTEE = "committee:jinshiyuan"
JINSHIYUAN_PROPERTY = "property:jinshiyuan"
PARTNER_SCHOOL = "partner:杭州市第十四中学"
FOURTH_BRANCH = f"branch:{MAIN}:4"
PARTY_COMMITTEE = f"party:{MAIN}"

ACCOUNTS = (
    DemoAccount(
        "worker",
        "13900000001",
        "陈晓燕",
        "社区工作者（社工）",
        "工作台：房屋与人员台账、名册导入导出、发布公示、操作日志",
        grants=(Grant(MAIN, "worker"),),
        sex="F",
        birth_year=1986,
    ),
    DemoAccount(
        "owner",
        "13900000002",
        "沈建华",
        "业主",
        "我的家：名下金狮苑24幢1单元601（与配偶共有）；我的表决：业委会选举结果公示",
        sex="M",
        birth_year=1956,
    ),
    DemoAccount(
        "multi_owner",
        "13900000003",
        "钱美娟",
        "多套房业主",
        "我的家：24幢1单元102、车位B-07及两处出租房（含始版桥社区）",
        sex="F",
        birth_year=1962,
    ),
    DemoAccount(
        "tenant",
        "13900000004",
        "刘洋",
        "居民（租户）",
        "我的家：租住金狮苑8幢2单元302；公示栏与消息",
        sex="M",
        birth_year=1993,
    ),
    DemoAccount(
        "committee",
        "13900000005",
        "徐国平",
        "业委会主任",
        "名下7幢1单元401：手机上为7、8幢选聘物业投票；业委会：入围与考察报告、业委会选举",
        grants=(Grant(MAIN, "committee", JINSHIYUAN_COMMITTEE),),
        sex="M",
        birth_year=1960,
    ),
    DemoAccount(
        "property",
        "13900000006",
        "王海涛",
        "物业项目经理",
        "金狮苑物业：浏览小区楼幢与房屋",
        grants=(Grant(MAIN, "property", JINSHIYUAN_PROPERTY),),
        sex="M",
        birth_year=1982,
    ),
    DemoAccount(
        "partner",
        "13900000007",
        "赵磊",
        "辖区单位联络人",
        "杭州市第十四中学：公示栏与消息（共建功能待上线）",
        grants=(Grant(MAIN, "partner", PARTNER_SCHOOL),),
        sex="M",
        birth_year=1979,
    ),
    DemoAccount(
        "volunteer",
        "13900000008",
        "孙丽萍",
        "志愿者",
        "和合家园志愿服务队：公示栏与消息（志愿服务功能待上线）",
        grants=(Grant(MAIN, "volunteer"),),
        sex="F",
        birth_year=1968,
    ),
    DemoAccount(
        "secretary",
        "13900000009",
        "方桂英",
        "第四党支部书记（项目领办人）",
        "领办金狮苑24幢1单元加装电梯：先看方案公示与本单元住户",
        sex="F",
        birth_year=1955,
    ),
    DemoAccount(
        "street",
        "13900000010",
        "吴志刚",
        "街道工作人员",
        "小营街道：浏览两个社区的小区、楼幢与房屋（只读）",
        grants=(Grant(MAIN, "street"), Grant(SECOND, "street")),
    ),
    DemoAccount(
        "second_worker",
        "13900000011",
        "郑婷",
        "社区工作者（始版桥社区）",
        "只看得到始版桥社区：对比上羊市街社区，体会多社区隔离",
        grants=(Grant(SECOND, "worker"),),
        sex="F",
        birth_year=1991,
    ),
    DemoAccount(
        "admin",
        "13900000012",
        "林晨",
        "系统管理员",
        "后台 /admin/：两个社区的全部数据与审计日志",
        grants=(Grant(MAIN, "admin"), Grant(SECOND, "admin")),
        superuser=True,
    ),
)

ACCOUNTS_BY_KEY = {account.key: account for account in ACCOUNTS}
