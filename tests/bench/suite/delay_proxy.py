#!/usr/bin/python3
"""A loopback TCP proxy that adds a fixed delay in each direction (a 50 ms round trip is 25 ms
each way), preserving byte order. It buffers what is in flight (up to a cap), like a long fat
pipe: how much the endpoints keep in flight decides the throughput, as on a real WAN link.

    delay_proxy.py LISTEN_PORT TARGET_PORT ONE_WAY_MS
Prints "ready" on stdout once listening.
"""

import asyncio
import sys
import time

CHUNK = 256 * 1024
MAX_IN_FLIGHT = 256 * 1024 * 1024  # bytes queued per direction before the proxy stops reading


async def pump(reader, writer, delay):
    queue = asyncio.Queue()
    budget = asyncio.Semaphore(MAX_IN_FLIGHT // CHUNK)

    async def sender():
        while True:
            due, data = await queue.get()
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            if not data:
                break
            writer.write(data)
            await writer.drain()
            budget.release()
        try:
            writer.write_eof()
        except OSError:
            pass

    task = asyncio.ensure_future(sender())
    try:
        while True:
            await budget.acquire()
            data = await reader.read(CHUNK)
            queue.put_nowait((time.monotonic() + delay, data))
            if not data:
                break
    except OSError:
        queue.put_nowait((time.monotonic(), b""))
    try:
        await task
    except OSError:
        pass


async def handle(c_reader, c_writer, target_port, delay):
    try:
        s_reader, s_writer = await asyncio.open_connection("127.0.0.1", target_port)
    except OSError:
        c_writer.close()
        return
    await asyncio.gather(pump(c_reader, s_writer, delay), pump(s_reader, c_writer, delay),
                         return_exceptions=True)
    s_writer.close()
    c_writer.close()


async def main():
    listen_port, target_port, one_way_ms = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    delay = one_way_ms / 1000.0
    server = await asyncio.start_server(lambda r, w: handle(r, w, target_port, delay),
                                        "127.0.0.1", listen_port)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
