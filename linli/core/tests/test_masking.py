import pytest

from linli.domain.masking import mask_address, mask_id_number, mask_name, mask_phone


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三", "张*"),
        ("张三丰", "张*丰"),
        ("欧阳娜娜", "欧阳*娜"),
        ("欧阳修", "欧阳*"),
        ("王", "王"),
        ("", ""),
        ("Li Wei", "L* W**"),
    ],
)
def test_mask_name_keeps_surname(name, masked):
    assert mask_name(name) == masked


def test_mask_phone_keeps_first_three_and_last_four():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("138-1234-5678") == "138****5678"
    assert mask_phone("12345") == "*****"


def test_mask_id_number_keeps_first_and_last_four():
    assert mask_id_number("330102199001011234") == "3*************1234"
    assert mask_id_number("1234") == "****"


def test_mask_address_stops_at_entrance():
    assert (
        mask_address(estate="金狮苑", building="24幢", entrance="1单元", unit="301")
        == "金狮苑24幢1单元"
    )
