"""fediverse-pasture (PyPI, built on bovine) against a Passerelle instance, for its federation tests.

Two commands, each run in a scratch working directory (pasture writes its keys to data.toml there):

- ``verify-actor``: serves pasture's verify_actor application on a free loopback port and prints
  ``listening on localhost:PORT``. A POST of ``actor_uri=…`` to ``/`` with
  ``Accept: application/json`` then runs pasture's signature matrix against that actor: alice
  and dean post unsigned, bob and emily signed, claire and frank signed with keys that pasture
  serves only to signed requests (dean, emily and frank have no preferredUsername).
- ``send-inputs ACTOR_URI``: serves pasture's one_actor application on a free loopback port and
  sends to ACTOR_URI's inbox one Create(Note) per example of fediverse-pasture-inputs (real-world
  shapes of notes: HTML, mentions, hashtags, attachments, languages, addressing, …). Prints one
  JSON line per example: ``{"input": NAME, "number": N, "status": HTTP status, "id": object id}``.
"""

import asyncio
import json
import socket
import sys

from hypercorn.asyncio import serve
from hypercorn.config import Config


def bind_free_port() -> tuple[socket.socket, int]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(100)
    sock.set_inheritable(True)
    return sock, sock.getsockname()[1]


def hypercorn_config(sock: socket.socket) -> Config:
    config = Config()
    config.bind = [f"fd://{sock.fileno()}"]
    config.accesslog = None
    config.errorlog = "-"
    return config


async def verify_actor() -> None:
    from fediverse_pasture.verify_actor import build_app

    sock, port = bind_free_port()
    app = build_app(False, f"localhost:{port}", False, 10)
    print(f"listening on localhost:{port}", flush=True)
    await serve(app, hypercorn_config(sock))


async def send_inputs(actor_uri: str) -> None:
    import fediverse_pasture_inputs
    from fediverse_pasture.data_provider import DataProvider
    from fediverse_pasture.one_actor import bovine_actor_and_session
    from fediverse_pasture.runner import ActivitySender
    from fediverse_pasture.server.one_actor_app import app_for_data_provider

    sock, port = bind_free_port()
    domain = f"http://localhost:{port}"
    app = app_for_data_provider(DataProvider.generate_and_load(False))
    server = asyncio.create_task(serve(app, hypercorn_config(sock)))
    await asyncio.sleep(0.5)

    async with bovine_actor_and_session(domain) as (bovine_actor, actor, _session):
        for name, inputs in sorted(fediverse_pasture_inputs.available.items()):
            for number, example in enumerate(inputs.examples):
                # the inputs name pasture's actor by the host it has in pasture's own runs
                example = json.loads(
                    json.dumps(example).replace("http://pasture-one-actor", domain)
                )
                sender = ActivitySender.for_actor(bovine_actor, actor)
                sender.sleep_after_getting_inbox = False
                sender.init_create_note(
                    lambda note: {**note, "content": "text", **example}
                )
                status = await post_and_read_status(bovine_actor, sender, actor_uri)
                print(
                    json.dumps(
                        {
                            "input": name,
                            "number": number,
                            "status": status,
                            "id": sender.object_id,
                        }
                    ),
                    flush=True,
                )
    server.cancel()


async def post_and_read_status(bovine_actor, sender, actor_uri: str):
    """Sends the prepared Create and returns the inbox's HTTP status (the sender itself only
    logs refusals)."""
    import aiohttp

    seen = {}

    async def post(inbox, create):
        try:
            response = await bovine_actor.post(inbox, create)
            seen["status"] = response.status
            return response
        except aiohttp.ClientResponseError as e:
            seen["status"] = e.status
            raise

    sender._perform_post = post
    try:
        await sender.send(actor_uri)
    except Exception as e:
        return f"error: {e!r}"
    return seen.get("status", "not sent")


def main() -> None:
    if sys.argv[1:2] == ["verify-actor"]:
        asyncio.run(verify_actor())
    elif sys.argv[1:2] == ["send-inputs"] and len(sys.argv) == 3:
        asyncio.run(send_inputs(sys.argv[2]))
    else:
        sys.exit("usage: pasture_peer.py verify-actor | send-inputs ACTOR_URI")


if __name__ == "__main__":
    main()
