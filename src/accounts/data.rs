//! A member's own data: the archive of everything they put here, and closing their account
//! (a `Delete` of their actor goes to every server that knows them).

use super::{Member, blocking, model, password_matches};
use crate::{
    db::{DbConn, now},
    error::{AppError, AppResult},
    federation::{
        activities::delete::{Delete, Tombstone},
        delivery, outbox,
    },
    follows, posts,
    profiles::{self, model as profile_model},
    state::AppState,
};
use serde_json::{Value, json};
use std::io::Write;
use url::Url;

/// Everything the archive holds, gathered in one read.
struct ArchiveData {
    account: Value,
    draft: Value,
    published: Value,
    resume: Value,
    posts: Value,
    messages: Value,
    following: Vec<String>,
    followers: Vec<String>,
    blocked: Vec<String>,
}

fn gather(conn: &mut DbConn, member: &Member) -> AppResult<ArchiveData> {
    let a = &member.actor;
    let row = profile_model::get(conn, a.id)?;
    let draft = row
        .as_ref()
        .map(|r| r.draft_doc())
        .transpose()?
        .unwrap_or_default();
    let published = row
        .as_ref()
        .map(|r| r.published_doc())
        .transpose()?
        .flatten();
    let all = ["public", "unlisted", "followers"];
    let posts: Vec<Value> = posts::model::by_author(conn, a.id, &all, None, i64::MAX)?
        .into_iter()
        .map(|p| {
            json!({
                "id": p.ap_id.as_str(),
                "text": p.source,
                "html": p.content,
                "visibility": p.visibility,
                "language": p.language,
                "published": p.published.and_utc(),
                "updated": p.updated.map(|u| u.and_utc()),
            })
        })
        .collect();
    let handles = |list: Vec<crate::actors::model::DbActor>| -> Vec<String> {
        list.iter().map(|x| x.handle()).collect()
    };
    let following = handles(follows::model::following(conn, a.id, 0, i64::MAX)?);
    let followers = handles(follows::model::followers(
        conn,
        a.id,
        "accepted",
        0,
        i64::MAX,
    )?);
    let mut conversations = vec![];
    for (c, list) in crate::messages::model::archive_of(conn, a.id)? {
        let mut people = vec![];
        for id in c.participant_ids() {
            if let Some(p) = crate::actors::model::by_id(conn, id)? {
                people.push(p);
            }
        }
        let handle_of = |id: i64| people.iter().find(|p| p.id == id).map(|p| p.handle());
        conversations.push(json!({
            "participants": people.iter().map(|p| p.handle()).collect::<Vec<_>>(),
            "messages": list.iter().map(|m| json!({
                "id": m.ap_id,
                "author": handle_of(m.author_id),
                "text": m.source,
                "html": m.content,
                "published": m.published.and_utc(),
            })).collect::<Vec<_>>(),
        }));
    }
    let blocked = handles(follows::model::blocked_by(conn, a.id)?);
    Ok(ArchiveData {
        account: json!({
            "username": a.username,
            "handle": a.handle(),
            "id": a.ap_id.as_str(),
            "display_name": a.display_name,
            "bio_html": a.summary,
            "avatar_url": a.avatar_url,
            "locked": a.manually_approves_followers,
            "email": member.account.email,
            "role": member.account.role,
            "created_at": member.account.created_at.and_utc(),
        }),
        resume: profiles::resume::export(
            &profiles::resume::Card {
                name: a.display_name.clone(),
                summary: profiles::bio_as_text(&a.summary),
                image: a.avatar_url.clone(),
            },
            &draft,
        ),
        draft: serde_json::to_value(&draft)?,
        published: serde_json::to_value(&published)?,
        posts: Value::Array(posts),
        messages: Value::Array(conversations),
        following,
        followers,
        blocked,
    })
}

const README: &str = "Passerelle — vos données / your data\n\n\
account.json      votre compte / your account\n\
resume.json       votre parcours au format JSON Resume / your path as JSON Resume\n\
profile.json      votre parcours : brouillon et version publiée / your path: draft and published\n\
posts.json        vos publications / your posts\n\
messages.json     vos conversations privées / your private conversations\n\
blocked.csv       les personnes que vous bloquez / people you block\n\
following.csv     les personnes que vous suivez / people you follow\n\
followers.csv     les personnes qui vous suivent / people who follow you\n";

/// A zip archive of the member's data (account, profile, JSON Resume, posts, conversations,
/// follows, blocks). The CSV of follows uses Mastodon's header, and the list of blocks
/// Mastodon's one-address-per-line form, so they can be imported there.
pub async fn archive(state: &AppState, member: &Member) -> AppResult<Vec<u8>> {
    let m = member.clone();
    let d = state.db.read(move |c| gather(c, &m)).await?;
    blocking(move || {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        let csv = |list: &[String]| {
            let mut s = String::from("Account address,Show boosts,Notify on new posts,Languages\n");
            for h in list {
                s.push_str(&format!("{h},true,false,\n"));
            }
            s
        };
        let files: Vec<(&str, Vec<u8>)> = vec![
            ("README.txt", README.as_bytes().to_vec()),
            ("account.json", serde_json::to_vec_pretty(&d.account)?),
            ("resume.json", serde_json::to_vec_pretty(&d.resume)?),
            (
                "profile.json",
                serde_json::to_vec_pretty(&json!({"draft": d.draft, "published": d.published}))?,
            ),
            ("posts.json", serde_json::to_vec_pretty(&d.posts)?),
            ("messages.json", serde_json::to_vec_pretty(&d.messages)?),
            ("following.csv", csv(&d.following).into_bytes()),
            ("followers.csv", csv(&d.followers).into_bytes()),
            ("blocked.csv", d.blocked.join("\n").into_bytes()),
        ];
        for (name, bytes) in files {
            zip.start_file(name, options)
                .map_err(|e| anyhow::anyhow!("zip: {e}"))?;
            zip.write_all(&bytes)
                .map_err(|e| anyhow::anyhow!("zip: {e}"))?;
        }
        let cursor = zip.finish().map_err(|e| anyhow::anyhow!("zip: {e}"))?;
        Ok(cursor.into_inner())
    })
    .await
}

/// Closes a member's account after checking their password. In one transaction: a `Delete`
/// of their actor is queued for every server that knows them (their followers', the people
/// they follow and the people they wrote to), their posts are erased, their messages, profile,
/// follows, blocks, notifications, sessions, tokens and account removed. The actor row stays, marked deleted, with its key (deliveries are signed
/// with it) and its handle (nobody can take the name and be mistaken for them); its document
/// answers 410 Gone.
pub async fn delete_account(state: &AppState, member: &Member, password: &str) -> AppResult<()> {
    let (password, hash) = (password.to_string(), member.account.password_hash.clone());
    if !blocking(move || Ok(password_matches(&password, &hash))).await? {
        return Err(AppError::invalid(
            "password",
            "wrong",
            "This is not your password.",
        ));
    }
    let s = state.clone();
    let (actor, account_id) = (member.actor.clone(), member.account.id);
    state
        .db
        .write(move |c| {
            let mut inboxes = follows::model::follower_inboxes(c, actor.id)?;
            inboxes.extend(follows::model::following_inboxes(c, actor.id)?);
            inboxes.extend(crate::messages::model::correspondent_inboxes(c, actor.id)?);
            inboxes.sort();
            inboxes.dedup();
            let public = Url::parse(crate::federation::PUBLIC).expect("valid");
            let delete = Delete::new(
                outbox::new_id(&s.base_url, "activities"),
                &actor,
                Tombstone::new(actor.ap_id.0.clone()),
                vec![public],
                vec![],
            );
            outbox::enqueue(c, &s.domain, &actor, &delete, inboxes)?;
            let at = now();
            posts::model::mark_all_deleted(c, actor.id, at)?;
            profile_model::delete_of(c, actor.id)?;
            follows::model::delete_all_of(c, actor.id)?;
            crate::messages::model::delete_all_by(c, actor.id)?;
            follows::model::delete_blocks_of(c, actor.id)?;
            model::delete_account(c, account_id)?;
            crate::actors::model::mark_deleted(c, actor.id, at)?;
            Ok(())
        })
        .await?;
    delivery::wake(state);
    Ok(())
}
