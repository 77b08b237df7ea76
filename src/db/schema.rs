//! Table definitions shared by both backends (written by hand: `diesel print-schema` would
//! give SQLite's `Integer` ids where PostgreSQL has `BigInt`). Keep in step with `migrations/`.

diesel::table! {
    actors (id) {
        id -> BigInt,
        ap_id -> Text,
        kind -> Text,
        local -> Bool,
        username -> Text,
        username_key -> Text,
        domain -> Text,
        display_name -> Text,
        summary -> Text,
        avatar_url -> Nullable<Text>,
        url -> Nullable<Text>,
        inbox_url -> Text,
        shared_inbox_url -> Nullable<Text>,
        outbox_url -> Nullable<Text>,
        followers_url -> Nullable<Text>,
        following_url -> Nullable<Text>,
        public_key_pem -> Text,
        private_key_pem -> Nullable<Text>,
        manually_approves_followers -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        last_refreshed_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    accounts (id) {
        id -> BigInt,
        actor_id -> BigInt,
        email -> Nullable<Text>,
        password_hash -> Text,
        role -> Text,
        disabled -> Bool,
        created_at -> Timestamp,
        messages_from_followed_only -> Bool,
        email_notifications -> Text,
        last_digest_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sessions (id) {
        id -> BigInt,
        token_hash -> Text,
        account_id -> BigInt,
        csrf_token -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        token_hash -> Text,
        account_id -> BigInt,
        name -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    invitations (id) {
        id -> BigInt,
        code -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_by -> Nullable<BigInt>,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    follows (id) {
        id -> BigInt,
        follower_id -> BigInt,
        followed_id -> BigInt,
        state -> Text,
        ap_id -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    posts (id) {
        id -> BigInt,
        ap_id -> Text,
        author_id -> BigInt,
        local -> Bool,
        content -> Text,
        source -> Nullable<Text>,
        language -> Nullable<Text>,
        visibility -> Text,
        in_reply_to -> Nullable<Text>,
        url -> Nullable<Text>,
        published -> Timestamp,
        updated -> Nullable<Timestamp>,
        deleted_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    activities (id) {
        id -> BigInt,
        ap_id -> Text,
        actor_id -> BigInt,
        kind -> Text,
        public -> Bool,
        json -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    instances (id) {
        id -> BigInt,
        host -> Text,
        created_at -> Timestamp,
        next_attempt_at -> Timestamp,
        failures -> Integer,
        failing_since -> Nullable<Timestamp>,
        unreachable -> Bool,
        last_success_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        last_error_at -> Nullable<Timestamp>,
        lease_owner -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    deliveries (id) {
        id -> BigInt,
        activity_id -> BigInt,
        instance_id -> BigInt,
        inbox_url -> Text,
        attempts -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    received_activities (ap_id) {
        ap_id -> Text,
        received_at -> Timestamp,
    }
}

diesel::table! {
    profiles (actor_id) {
        actor_id -> BigInt,
        draft -> Nullable<Text>,
        published -> Nullable<Text>,
        fields -> Text,
        published_at -> Nullable<Timestamp>,
        draft_updated_at -> Nullable<Timestamp>,
        fetched_at -> Nullable<Timestamp>,
        source_url -> Nullable<Text>,
    }
}

diesel::table! {
    profile_entries (id) {
        id -> BigInt,
        actor_id -> BigInt,
        entry_id -> Text,
        section -> Text,
        kind -> Text,
        title -> Text,
        organisation -> Text,
        visibility -> Text,
        start_date -> Nullable<Text>,
        position -> Integer,
    }
}

diesel::table! {
    profile_tags (id) {
        id -> BigInt,
        actor_id -> BigInt,
        entry_id -> Text,
        tag -> Text,
        tag_key -> Text,
        visibility -> Text,
    }
}

diesel::table! {
    organisations (actor_id) {
        actor_id -> BigInt,
        sector -> Text,
        size -> Text,
        location -> Text,
        website -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    organisation_roles (id) {
        id -> BigInt,
        organisation_id -> BigInt,
        member_id -> BigInt,
        role -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(accounts -> actors (actor_id));
diesel::joinable!(sessions -> accounts (account_id));
diesel::joinable!(api_tokens -> accounts (account_id));
diesel::joinable!(posts -> actors (author_id));
diesel::joinable!(activities -> actors (actor_id));
diesel::joinable!(deliveries -> activities (activity_id));
diesel::joinable!(deliveries -> instances (instance_id));
diesel::joinable!(profiles -> actors (actor_id));
diesel::joinable!(profile_entries -> actors (actor_id));
diesel::joinable!(profile_tags -> actors (actor_id));
diesel::joinable!(organisations -> actors (actor_id));

diesel::allow_tables_to_appear_in_same_query!(
    actors,
    accounts,
    sessions,
    api_tokens,
    invitations,
    follows,
    posts,
    activities,
    instances,
    deliveries,
    received_activities,
    profiles,
    profile_entries,
    profile_tags,
    organisations,
    organisation_roles,
);

// ---- peering and moderation (issue 6) ----

diesel::table! {
    instance_policies (id) {
        id -> BigInt,
        host -> Text,
        policy -> Text,
        reason -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        account_id -> Nullable<BigInt>,
        action -> Text,
        target -> Text,
        details -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    reports (id) {
        id -> BigInt,
        reporter_account_id -> Nullable<BigInt>,
        origin_host -> Nullable<Text>,
        flag_ap_id -> Nullable<Text>,
        target_actor_id -> BigInt,
        target_post_id -> Nullable<BigInt>,
        reason -> Text,
        forwarded -> Bool,
        state -> Text,
        resolution -> Nullable<Text>,
        resolved_by -> Nullable<BigInt>,
        resolved_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        target_object -> Nullable<Text>,
    }
}

diesel::table! {
    partnerships (id) {
        id -> BigInt,
        host -> Text,
        partner_actor_id -> BigInt,
        state -> Text,
        proposed_by_us -> Bool,
        offer_ap_id -> Text,
        share_job_offers -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(audit_log -> accounts (account_id));
diesel::joinable!(partnerships -> actors (partner_actor_id));
diesel::joinable!(reports -> actors (target_actor_id));

diesel::allow_tables_to_appear_in_same_query!(audit_log, accounts);
diesel::allow_tables_to_appear_in_same_query!(audit_log, actors);
diesel::allow_tables_to_appear_in_same_query!(reports, actors);
diesel::allow_tables_to_appear_in_same_query!(reports, posts);
diesel::allow_tables_to_appear_in_same_query!(reports, accounts);
diesel::allow_tables_to_appear_in_same_query!(partnerships, actors);

// ---- direct messages, blocks and notifications (issue 7) ----
diesel::table! {
    conversations (id) {
        id -> BigInt,
        participants -> Text,
        created_at -> Timestamp,
        last_message_at -> Timestamp,
    }
}

diesel::table! {
    conversation_members (id) {
        id -> BigInt,
        conversation_id -> BigInt,
        actor_id -> BigInt,
        last_read_message_id -> BigInt,
        left_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    messages (id) {
        id -> BigInt,
        ap_id -> Text,
        conversation_id -> BigInt,
        author_id -> BigInt,
        local -> Bool,
        content -> Text,
        source -> Nullable<Text>,
        in_reply_to -> Nullable<Text>,
        published -> Timestamp,
        created_at -> Timestamp,
    }
}

diesel::table! {
    message_recipients (id) {
        id -> BigInt,
        message_id -> BigInt,
        actor_id -> BigInt,
    }
}

diesel::table! {
    blocks (id) {
        id -> BigInt,
        blocker_id -> BigInt,
        blocked_id -> BigInt,
        ap_id -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    notifications (id) {
        id -> BigInt,
        account_id -> BigInt,
        kind -> Text,
        actor_id -> Nullable<BigInt>,
        object -> Nullable<Text>,
        read_at -> Nullable<Timestamp>,
        email_pending -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    notification_settings (account_id, kind) {
        account_id -> BigInt,
        kind -> Text,
        enabled -> Bool,
        email -> Bool,
    }
}

diesel::joinable!(conversation_members -> conversations (conversation_id));
diesel::joinable!(conversation_members -> actors (actor_id));
diesel::joinable!(messages -> conversations (conversation_id));
diesel::joinable!(messages -> actors (author_id));
diesel::joinable!(message_recipients -> messages (message_id));
diesel::joinable!(message_recipients -> actors (actor_id));
diesel::joinable!(notifications -> accounts (account_id));
diesel::joinable!(notifications -> actors (actor_id));
diesel::joinable!(notification_settings -> accounts (account_id));
diesel::allow_tables_to_appear_in_same_query!(conversations, conversation_members);
diesel::allow_tables_to_appear_in_same_query!(conversations, messages);
diesel::allow_tables_to_appear_in_same_query!(conversation_members, actors);
diesel::allow_tables_to_appear_in_same_query!(conversation_members, messages);
diesel::allow_tables_to_appear_in_same_query!(messages, actors);
diesel::allow_tables_to_appear_in_same_query!(message_recipients, messages);
diesel::allow_tables_to_appear_in_same_query!(message_recipients, actors);
diesel::allow_tables_to_appear_in_same_query!(blocks, actors);
diesel::allow_tables_to_appear_in_same_query!(blocks, posts);
diesel::allow_tables_to_appear_in_same_query!(notifications, accounts);
diesel::allow_tables_to_appear_in_same_query!(notifications, actors);
diesel::allow_tables_to_appear_in_same_query!(notification_settings, accounts);

diesel::table! {
    job_offers (id) {
        id -> BigInt,
        ap_id -> Text,
        organisation_id -> BigInt,
        author_id -> Nullable<BigInt>,
        local -> Bool,
        state -> Text,
        title -> Text,
        description -> Text,
        content_html -> Text,
        contract_type -> Text,
        working_time -> Text,
        location -> Text,
        location_key -> Text,
        remote -> Text,
        salary_min -> Nullable<BigInt>,
        salary_max -> Nullable<BigInt>,
        salary_currency -> Text,
        salary_period -> Text,
        experience_level -> Text,
        open_without_diploma -> Bool,
        open_without_experience -> Bool,
        start_date -> Nullable<Date>,
        closes_on -> Nullable<Date>,
        languages -> Text,
        how_to_apply -> Text,
        url -> Text,
        search_text -> Text,
        search_facets -> Text,
        published_at -> Nullable<Timestamp>,
        updated_at -> Timestamp,
        created_at -> Timestamp,
    }
}

diesel::table! {
    job_offer_skills (offer_id, tag_key) {
        offer_id -> BigInt,
        tag_key -> Text,
        name -> Text,
        required -> Bool,
    }
}

diesel::table! {
    job_applications (id) {
        id -> BigInt,
        ap_id -> Text,
        offer_id -> BigInt,
        applicant_id -> BigInt,
        message_html -> Text,
        shared_profile -> Text,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    job_application_answers (id) {
        id -> BigInt,
        ap_id -> Text,
        application_id -> BigInt,
        author_id -> Nullable<BigInt>,
        status -> Nullable<Text>,
        content_html -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(job_offer_skills -> job_offers (offer_id));
diesel::joinable!(job_applications -> job_offers (offer_id));
diesel::joinable!(job_application_answers -> job_applications (application_id));

diesel::allow_tables_to_appear_in_same_query!(job_offers, actors);
diesel::allow_tables_to_appear_in_same_query!(job_offers, job_offer_skills);
diesel::allow_tables_to_appear_in_same_query!(job_offers, job_applications);
diesel::allow_tables_to_appear_in_same_query!(job_applications, actors);
diesel::allow_tables_to_appear_in_same_query!(job_applications, job_application_answers);
diesel::allow_tables_to_appear_in_same_query!(job_application_answers, actors);

diesel::table! {
    communities (actor_id) {
        actor_id -> BigInt,
        access -> Text,
        charter -> Text,
        charter_source -> Text,
        language -> Nullable<Text>,
        created_at -> Timestamp,
        members_version -> BigInt,
    }
}

diesel::table! {
    community_members (id) {
        id -> BigInt,
        community_id -> BigInt,
        member_id -> BigInt,
        role -> Text,
        state -> Text,
        follow_ap_id -> Nullable<Text>,
        created_at -> Timestamp,
        joined_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    community_posts (id) {
        id -> BigInt,
        ap_id -> Text,
        community_id -> BigInt,
        author_id -> BigInt,
        thread_id -> Nullable<BigInt>,
        parent_id -> Nullable<BigInt>,
        title -> Nullable<Text>,
        content -> Text,
        source -> Nullable<Text>,
        language -> Nullable<Text>,
        local -> Bool,
        pinned -> Bool,
        locked -> Bool,
        url -> Nullable<Text>,
        published -> Timestamp,
        updated -> Nullable<Timestamp>,
        last_activity_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
        removed_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(communities -> actors (actor_id));
diesel::allow_tables_to_appear_in_same_query!(communities, actors);
diesel::allow_tables_to_appear_in_same_query!(communities, community_members);
diesel::allow_tables_to_appear_in_same_query!(community_members, actors);
diesel::allow_tables_to_appear_in_same_query!(community_posts, actors);
diesel::allow_tables_to_appear_in_same_query!(community_posts, community_members);
diesel::allow_tables_to_appear_in_same_query!(community_posts, communities);

diesel::table! {
    post_reactions (id) {
        id -> BigInt,
        post_id -> BigInt,
        actor_id -> BigInt,
        kind -> Text,
        ap_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(post_reactions -> posts (post_id));
diesel::joinable!(post_reactions -> actors (actor_id));
diesel::allow_tables_to_appear_in_same_query!(post_reactions, posts);
diesel::allow_tables_to_appear_in_same_query!(post_reactions, actors);
diesel::allow_tables_to_appear_in_same_query!(post_reactions, follows);

// ---- moderators' decisions about single accounts (issue 6) ----
diesel::table! {
    actor_restrictions (id) {
        id -> BigInt,
        actor_id -> BigInt,
        restriction -> Text,
        reason -> Text,
        account_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(actor_restrictions -> actors (actor_id));
diesel::allow_tables_to_appear_in_same_query!(actor_restrictions, actors);
diesel::allow_tables_to_appear_in_same_query!(actor_restrictions, follows);
