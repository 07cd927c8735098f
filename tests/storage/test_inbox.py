"""The Inbox contract (atomic batches, leases, tries, purge) on memory, SQLite and real Redis."""

from __future__ import annotations

import asyncio

from bot.storage.base import Parcel, Storage
from tests.storage.conftest import Clock


def parcels(*numbers: int) -> list[Parcel]:
    return [Parcel(f"tg:{n}", f'{{"update_id": {n}, "text": "ü\\u2028"}}') for n in numbers]


async def test_a_taker_holds_its_parcels_until_the_lease_runs_out(storage: Storage) -> None:
    inbox = storage.inbox
    await inbox.put(parcels(1, 2, 3), now=100.0, lease=60.0)
    assert await inbox.claim(159.0) == []  # still the putter's
    claimed = await inbox.claim(161.0, lease=60.0)
    assert claimed == parcels(1, 2, 3)  # in arrival order, bodies byte for byte
    assert await inbox.claim(200.0) == []  # now the claimer's
    assert await inbox.claim(222.0, limit=2) == parcels(1, 2)


async def test_done_parcels_are_never_handed_out(storage: Storage) -> None:
    inbox = storage.inbox
    await inbox.put(parcels(10, 11, 12), now=0.0, lease=1.0)
    await inbox.done(["tg:11", "tg:99"])  # an unknown id is fine
    await inbox.done([])
    assert await inbox.claim(5.0) == parcels(10, 12)


async def test_a_parcel_stored_twice_keeps_its_first_lease(storage: Storage) -> None:
    """Telegram hands the same update out again until it is confirmed."""
    inbox = storage.inbox
    await inbox.put(parcels(5), now=0.0, lease=10.0)
    await inbox.put(parcels(5, 6), now=8.0, lease=10.0)
    assert await inbox.claim(11.0) == parcels(5)
    assert await inbox.claim(19.0) == parcels(6)


async def test_local_inboxes_hand_everything_out_at_start_up(storage: Storage) -> None:
    """One process owns a local inbox: whatever is in it at start-up, a crash left."""
    await storage.inbox.put(parcels(7), now=1_000.0)
    start_up = float("inf") if storage.inbox.local else 1_000.0 + 121.0
    assert await storage.inbox.claim(start_up) == parcels(7)


async def test_a_parcel_that_keeps_crashing_its_taker_is_dropped(storage: Storage) -> None:
    """Started three times, never done: it crashes whoever runs it. One that was only
    claimed (it waited behind others when the process died) is kept."""
    inbox = storage.inbox
    await inbox.put(parcels(1, 2), now=0.0, lease=1.0)
    for attempt in range(1, 4):
        assert await inbox.claim(attempt * 10.0, lease=1.0, tries=3) == parcels(1, 2)
        await inbox.started("tg:1")
    await inbox.started("tg:99")  # an unknown id is fine
    assert await inbox.claim(100.0, lease=1.0, tries=3) == parcels(2)
    assert await inbox.claim(200.0, lease=1.0, tries=30) == parcels(2)  # 1 is gone


async def test_purge_drops_parcels_older_than_the_cut_off(storage: Storage, clock: Clock) -> None:
    await storage.inbox.put(parcels(1), now=clock.now - 2 * 86400)
    await storage.inbox.put(parcels(2), now=clock.now - 60)
    await storage.purge()  # keeps a day of parcels
    assert await storage.inbox.claim(float("inf")) == parcels(2)
    assert await storage.inbox.purge(clock.now + 1) == 1


async def test_concurrent_claims_never_share_a_parcel(storage: Storage) -> None:
    await storage.inbox.put(parcels(*range(40)), now=0.0, lease=1.0)
    batches = await asyncio.gather(*(storage.inbox.claim(10.0, limit=7) for _ in range(8)))
    ids = [p.id for batch in batches for p in batch]
    assert sorted(ids) == sorted(p.id for p in parcels(*range(40)))
