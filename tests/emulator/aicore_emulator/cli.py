# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Command-line options that serve.py and with_emulator.py share."""

from __future__ import annotations

import argparse

from .resource_groups import STANDARD_RESOURCE_GROUPS, check_seeded_ids


def _resource_group_id(text: str) -> str:
    try:
        return check_seeded_ids([text])[0]
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def add_resource_group_option(parser: argparse.ArgumentParser) -> None:
    """``--resource-group ID``, repeatable, into ``args.resource_groups`` (None when not given)."""
    parser.add_argument(
        "--resource-group",
        dest="resource_groups",
        action="append",
        type=_resource_group_id,
        metavar="ID",
        help="a resource group the tenant has at start and after every reset, besides default (repeatable; "
        "without it: the standard list the test suite uses; --resource-group default alone: a bare tenant)",
    )


def startup_resource_groups(args: argparse.Namespace) -> list[str]:
    """The groups given with --resource-group, else the standard list."""
    return list(STANDARD_RESOURCE_GROUPS) if args.resource_groups is None else args.resource_groups
