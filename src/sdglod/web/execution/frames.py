"""Frames between the server and its query workers: a 4-byte big-endian length, then a payload.

A worker reads and writes them on its stdin/stdout (blocking); the pool reads and writes the
same frames on the worker's pipes (asyncio).
"""

from __future__ import annotations

import asyncio
import struct
from typing import BinaryIO

HEADER = struct.Struct(">I")


def read_frame(stream: BinaryIO) -> bytes | None:
    """The next frame, or ``None`` at the end of the stream."""
    head = stream.read(HEADER.size)
    if len(head) < HEADER.size:
        return None
    (size,) = HEADER.unpack(head)
    return stream.read(size)


def write_frame(stream: BinaryIO, payload: bytes) -> None:
    stream.write(HEADER.pack(len(payload)) + payload)


async def send_frame(stream: asyncio.StreamWriter, payload: bytes) -> None:
    stream.write(HEADER.pack(len(payload)) + payload)
    await stream.drain()


async def receive_frame(stream: asyncio.StreamReader) -> bytes:
    """The next frame; ``asyncio.IncompleteReadError`` if the stream ends first."""
    head = await stream.readexactly(HEADER.size)
    (size,) = HEADER.unpack(head)
    return await stream.readexactly(size)
