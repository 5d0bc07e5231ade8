from __future__ import annotations

from pathlib import Path

import pytest

from cli.campaign_file import CampaignFileError, load_campaign
from prompts import load_prompt, render_prompt

EXAMPLE = Path(__file__).parents[2] / "examples" / "double11_thermos.yaml"


def test_example_campaign_loads() -> None:
    campaign = load_campaign(EXAMPLE)
    assert campaign.offer.threshold == 300


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("campaign_id: x\n", "offer: Field required"),
        ("[1, 2]\n", "mapping"),
        ("campaign_id: [unclosed\n", "not valid YAML"),
        (EXAMPLE.read_text(encoding="utf-8").replace("amount_off: 50", "amount_off: 500"), "below threshold"),
        (EXAMPLE.read_text(encoding="utf-8").replace('+08:00"\nchannels', '"\nchannels'), "time zone"),
        (EXAMPLE.read_text(encoding="utf-8").replace("channels: [push, sms]", "channels: [fax]"), "channels.0"),
    ],
)
def test_bad_campaign_files_say_what_to_fix(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CampaignFileError, match=message):
        load_campaign(path)


def test_missing_campaign_file() -> None:
    with pytest.raises(CampaignFileError, match="not found"):
        load_campaign(Path("/nonexistent/c.yaml"))


def test_prompts_load_by_name_and_refuse_missing_values() -> None:
    assert "$offer_text" in load_prompt("copywriter", "system", "zh").template
    with pytest.raises(KeyError):
        render_prompt("copywriter", "system", "en")
    with pytest.raises(FileNotFoundError, match="copywriter/v9"):
        load_prompt("copywriter", "system", "zh", "v9")
