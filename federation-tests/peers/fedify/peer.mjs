// A foreign ActivityPub server built on Fedify, for Passerelle's federation tests.
//
// It serves two actors: `ana`, a Person, and `club`, a FEP-1b12 Group that accepts every
// follower and announces what it is asked to. Tests drive it over a small control API under
// `/_test/` (plain JSON) and read back every activity POSTed to its inboxes, as it crossed the
// wire, with the status Fedify answered.
//
// It listens on 127.0.0.1 on a free port and prints `listening on localhost:PORT` first.
// Loopback http is allowed (`allowPrivateAddress`): this is a test peer, never a server.

import http from "node:http";
import { configure, getConsoleSink } from "@logtape/logtape";
import { randomUUID } from "node:crypto";
import { Temporal } from "@js-temporal/polyfill";
import {
  createFederation,
  generateCryptoKeyPair,
  MemoryKvStore,
} from "@fedify/fedify";
import {
  Accept,
  Announce,
  Block,
  Create,
  Delete,
  Endpoints,
  Follow,
  Group,
  Like,
  Note,
  Person,
  PUBLIC_COLLECTION,
  Reject,
  Tombstone,
  Undo,
  Update,
} from "@fedify/vocab";

const ACTORS = { ana: Person, club: Group };

// Fedify's warnings and errors go to stderr, which the tests show when they fail
await configure({
  sinks: { console: getConsoleSink() },
  loggers: [
    { category: "fedify", sinks: ["console"], lowestLevel: "warning" },
    { category: ["logtape", "meta"], sinks: [], lowestLevel: "warning" },
  ],
});

/** What the peer knows, all in memory. */
const state = {
  keys: {}, // identifier -> [rsa, ed25519]
  followers: { ana: new Map(), club: new Map() }, // identifier -> actor id -> Recipient
  following: [], // { as, target, followId, accepted }
  notes: new Map(), // note id -> Note (served by the object dispatcher)
  received: [], // { path, status, activity }
};

let federation;

function noteUri(ctx, identifier, id) {
  return ctx.getObjectUri(Note, { identifier, id });
}

function newId(ctx, identifier, kind) {
  return new URL(`/users/${identifier}/activities/${kind}-${randomUUID()}`, ctx.canonicalOrigin);
}

function build(origin) {
  const fed = createFederation({
    kv: new MemoryKvStore(),
    origin,
    allowPrivateAddress: true,
  });

  fed
    .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
      const Kind = ACTORS[identifier];
      if (!Kind) return null;
      const keys = await ctx.getActorKeyPairs(identifier);
      return new Kind({
        id: ctx.getActorUri(identifier),
        preferredUsername: identifier,
        name: identifier === "ana" ? "Ana (Fedify)" : "Club emploi (Fedify)",
        summary: identifier === "ana" ? "<p>A Fedify person</p>" : "<p>A Fedify group</p>",
        inbox: ctx.getInboxUri(identifier),
        outbox: ctx.getOutboxUri(identifier),
        followers: ctx.getFollowersUri(identifier),
        endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
        url: new URL(`/@${identifier}`, ctx.canonicalOrigin),
        publicKey: keys[0].cryptographicKey,
        assertionMethods: keys.map((k) => k.multikey),
      });
    })
    .mapHandle((_ctx, username) => (ACTORS[username] ? username : null))
    .setKeyPairsDispatcher((_ctx, identifier) => state.keys[identifier] ?? []);

  fed.setObjectDispatcher(Note, "/users/{identifier}/notes/{id}", (ctx, values) =>
    state.notes.get(noteUri(ctx, values.identifier, values.id).href) ?? null
  );

  fed.setFollowersDispatcher("/users/{identifier}/followers", (_ctx, identifier) => ({
    items: [...(state.followers[identifier]?.values() ?? [])],
  }));
  fed.setOutboxDispatcher("/users/{identifier}/outbox", () => ({ items: [] }));

  fed
    .setInboxListeners("/users/{identifier}/inbox", "/inbox")
    .on(Follow, async (ctx, follow) => {
      const target = follow.objectId && ctx.parseUri(follow.objectId);
      if (target?.type !== "actor" || !ACTORS[target.identifier]) return;
      const follower = await follow.getActor(ctx);
      if (!follower?.id) return;
      state.followers[target.identifier].set(follower.id.href, follower);
      await ctx.sendActivity(
        { identifier: target.identifier },
        follower,
        new Accept({
          id: newId(ctx, target.identifier, "accept"),
          actor: ctx.getActorUri(target.identifier),
          object: follow,
        }),
      );
    })
    .on(Undo, async (ctx, undo) => {
      const inner = await undo.getObject(ctx);
      if (inner instanceof Follow && inner.objectId && undo.actorId) {
        const target = ctx.parseUri(inner.objectId);
        if (target?.type === "actor") {
          state.followers[target.identifier]?.delete(undo.actorId.href);
        }
      }
    })
    .onError((_ctx, error) => console.error("inbox listener failed:", error))
    // what tests check is recorded as it arrived; these are acknowledged
    .on(Create, () => {})
    .on(Block, () => {})
    .on(Update, () => {})
    .on(Delete, () => {})
    .on(Announce, () => {})
    .on(Like, () => {})
    .on(Reject, (_ctx, reject) => {
      state.following = state.following.filter((f) => f.followId !== reject.objectId?.href);
    })
    .on(Accept, (_ctx, accept) => {
      // the Follow is our own: its id is enough (getObject() would fetch it cross-origin)
      const followId = accept.objectId?.href;
      for (const f of state.following) {
        if (f.followId === followId || f.target === accept.actorId?.href) f.accepted = true;
      }
    });
  return fed;
}

async function json(request) {
  const text = await request.text();
  return text ? JSON.parse(text) : {};
}

function reply(status, body) {
  return new Response(JSON.stringify(body ?? null), {
    status,
    headers: { "content-type": "application/json" },
  });
}

/** Sends and reports failures as data, so that a test can assert on refusals. */
async function send(ctx, as, recipients, activity) {
  try {
    await ctx.sendActivity({ identifier: as }, recipients, activity);
    return { id: activity.id?.href, ok: true };
  } catch (e) {
    return { id: activity.id?.href, ok: false, error: String(e?.message ?? e) };
  }
}

/** Followers, plus the actors named (replies, likes and boosts also go to the author). */
async function recipientsOf(ctx, as, extra = []) {
  const all = new Map(state.followers[as]);
  for (const url of extra) {
    if (!url) continue;
    const actor = await ctx.lookupObject(url);
    if (actor?.id) all.set(actor.id.href, actor);
  }
  return [...all.values()];
}

async function authorOf(ctx, objectUrl) {
  const object = await ctx.lookupObject(objectUrl);
  return object?.attributionId?.href ?? null;
}

/** The control API used by the tests. */
async function control(request, url) {
  const ctx = federation.createContext(request, undefined);
  const route = url.pathname.slice("/_test/".length);
  if (request.method === "GET" && route === "received") return reply(200, state.received);
  if (request.method === "GET" && route === "followers") {
    const as = url.searchParams.get("as");
    return reply(200, [...(state.followers[as]?.keys() ?? [])]);
  }
  if (request.method === "GET" && route === "following") return reply(200, state.following);
  if (request.method !== "POST") return reply(404, { error: "unknown control route" });
  const body = await json(request);
  const as = body.as ?? "ana";
  if (!ACTORS[as]) return reply(400, { error: `unknown actor ${as}` });
  const me = ctx.getActorUri(as);

  switch (route) {
    case "follow": {
      const target = await ctx.lookupObject(body.target);
      if (!target?.id) return reply(502, { error: `cannot fetch ${body.target}` });
      const follow = new Follow({ id: newId(ctx, as, "follow"), actor: me, object: target.id });
      state.following.push({ as, target: target.id.href, followId: follow.id.href, accepted: false });
      return reply(200, await send(ctx, as, target, follow));
    }
    case "unfollow": {
      const entry = state.following.find((f) => f.as === as && f.target === body.target);
      if (!entry) return reply(404, { error: "not following" });
      const target = await ctx.lookupObject(body.target);
      state.following = state.following.filter((f) => f !== entry);
      const undo = new Undo({
        id: newId(ctx, as, "undo"),
        actor: me,
        object: new Follow({ id: new URL(entry.followId), actor: me, object: new URL(entry.target) }),
      });
      return reply(200, await send(ctx, as, target, undo));
    }
    case "note": {
      // a post to followers (public), optionally a reply to someone's post
      const id = randomUUID();
      const uri = noteUri(ctx, as, id);
      const replyTo = body.inReplyTo ? new URL(body.inReplyTo) : null;
      const replyAuthor = replyTo ? await authorOf(ctx, replyTo) : null;
      const note = new Note({
        id: uri,
        attribution: me,
        content: body.content,
        replyTarget: replyTo,
        to: PUBLIC_COLLECTION,
        ccs: [ctx.getFollowersUri(as), ...(replyAuthor ? [new URL(replyAuthor)] : [])],
        published: Temporal.Now.instant(),
        url: uri,
      });
      state.notes.set(uri.href, note);
      const create = new Create({
        id: new URL(`${uri.href}#create`),
        actor: me,
        object: note,
        to: PUBLIC_COLLECTION,
        ccs: note.ccIds,
      });
      const recipients = await recipientsOf(ctx, as, [replyAuthor]);
      return reply(200, { ...(await send(ctx, as, recipients, create)), note: uri.href });
    }
    case "edit": {
      const old = state.notes.get(body.id);
      if (!old) return reply(404, { error: "no such note" });
      const note = old.clone({ content: body.content, updated: Temporal.Now.instant() });
      state.notes.set(body.id, note);
      const update = new Update({
        id: newId(ctx, as, "update"),
        actor: me,
        object: note,
        to: PUBLIC_COLLECTION,
        ccs: note.ccIds,
      });
      return reply(200, await send(ctx, as, await recipientsOf(ctx, as), update));
    }
    case "delete": {
      const old = state.notes.get(body.id);
      if (!old) return reply(404, { error: "no such note" });
      state.notes.delete(body.id);
      const del = new Delete({
        id: newId(ctx, as, "delete"),
        actor: me,
        object: new Tombstone({ id: new URL(body.id) }),
        to: PUBLIC_COLLECTION,
        ccs: old.ccIds,
      });
      return reply(200, await send(ctx, as, await recipientsOf(ctx, as, old.ccIds.map((u) => u.href)), del));
    }
    case "like":
    case "announce": {
      const author = await authorOf(ctx, body.object);
      const Kind = route === "like" ? Like : Announce;
      const activity = new Kind({
        id: newId(ctx, as, route),
        actor: me,
        object: new URL(body.object),
        to: PUBLIC_COLLECTION,
        ccs: [ctx.getFollowersUri(as), ...(author ? [new URL(author)] : [])],
      });
      return reply(200, await send(ctx, as, await recipientsOf(ctx, as, [author]), activity));
    }
    default:
      return reply(404, { error: "unknown control route" });
  }
}

function toRequest(req, body, origin) {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (Array.isArray(v)) v.forEach((x) => headers.append(k, x));
    else if (v != null) headers.set(k, v);
  }
  const hasBody = !["GET", "HEAD"].includes(req.method);
  return new Request(new URL(req.url, origin), {
    method: req.method,
    headers,
    body: hasBody ? body : undefined,
  });
}

const server = http.createServer(async (req, res) => {
  try {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks);
    const origin = `http://localhost:${server.address().port}`;
    const request = toRequest(req, body, origin);
    const url = new URL(request.url);
    let response;
    if (url.pathname.startsWith("/_test/")) {
      response = await control(request, url);
    } else {
      response = await federation.fetch(request, {
        contextData: undefined,
        onNotFound: () => new Response("not found", { status: 404 }),
        onNotAcceptable: () => new Response("not acceptable", { status: 406 }),
      });
      if (req.method === "POST" && url.pathname.endsWith("inbox")) {
        let activity = null;
        try {
          activity = JSON.parse(body.toString("utf8"));
        } catch {
          activity = body.toString("utf8");
        }
        state.received.push({ path: url.pathname, status: response.status, activity });
      }
    }
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  } catch (e) {
    console.error(e);
    res.writeHead(500, { "content-type": "text/plain" });
    res.end(String(e?.stack ?? e));
  }
});

// keys are made before listening: RSA key generation is slow on a loaded machine
for (const identifier of Object.keys(ACTORS)) {
  state.keys[identifier] = [
    await generateCryptoKeyPair("RSASSA-PKCS1-v1_5"),
    await generateCryptoKeyPair("Ed25519"),
  ];
}

server.listen(0, "127.0.0.1", async () => {
  const port = server.address().port;
  const origin = `http://localhost:${port}`;
  federation = build(origin);
  // warm up (module loading, JIT) so that the first request of a test is answered in time
  for (const identifier of Object.keys(ACTORS)) {
    await fetch(`${origin}/.well-known/webfinger?resource=acct:${identifier}@localhost:${port}`);
    await fetch(`${origin}/users/${identifier}`, { headers: { accept: "application/activity+json" } });
  }
  console.log(`listening on localhost:${port}`);
});

// the test harness closes stdin when it is done (and kills the process anyway)
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
