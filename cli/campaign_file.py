"""Read a campaign from a YAML or JSON file, with errors that name the field and the fix."""

from __future__ import annotations

import json
from pathlib import Path

import typer
import yaml
from pydantic import ValidationError
from rich.console import Console

from domain.offer import Campaign
from tools.profile.untrusted_fields import InstructionInCampaign, check_campaign


class CampaignFileError(ValueError):
    """A campaign file that cannot be read or does not validate."""


def load_campaign(path: Path | str) -> Campaign:
    """Parse and validate one campaign file; no free-text field may read as an instruction to the model."""
    path = Path(path)
    if not path.is_file():
        raise CampaignFileError(f"campaign file not found: {path}")
    text = path.read_text(encoding="utf-8")
    try:
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as error:
        raise CampaignFileError(f"{path}: not valid {'JSON' if path.suffix == '.json' else 'YAML'}: {error}") from error
    if not isinstance(data, dict):
        raise CampaignFileError(f"{path}: expected a mapping of campaign fields at the top level")
    try:
        return check_campaign(Campaign.model_validate(data))
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'campaign'}: {e['msg']}" for e in error.errors())
        raise CampaignFileError(f"{path}: invalid campaign: {problems}") from error
    except InstructionInCampaign as error:
        raise CampaignFileError(f"{path}: invalid campaign: {error}") from error


def load_campaign_or_exit(path: Path, console: Console) -> Campaign:
    """For commands: load the campaign, or print what is wrong with it and exit with status 2."""
    try:
        return load_campaign(path)
    except CampaignFileError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(code=2) from error
