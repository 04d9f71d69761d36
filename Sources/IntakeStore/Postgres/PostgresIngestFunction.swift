import Foundation
import IntakeCore

/// Ingest on PostgreSQL as one server-side function call per group: dedup, raw payload, contact, case,
/// message, thread references and events for every message, in order, in the caller's transaction.
///
/// A statement costs a round trip (about 0.2 ms here through postgres-nio), and storing one message takes
/// about a dozen: run from the gateway, that capped ingest near 300 messages/s. The function does the same
/// steps as `SQLiteCaseStore.ingest`, in PL/pgSQL, whose plans the server caches. What needs no database is
/// decided in Swift first (`PostgresIngestItem`: which references name a case, which to record, encodings).
enum PostgresIngestFunction {
    static let create = #"""
        CREATE OR REPLACE FUNCTION intake_ingest(batch jsonb)
        RETURNS TABLE(r_message bigint, r_case bigint, r_contact bigint, r_duplicate boolean, r_opened boolean, r_reopened boolean)
        LANGUAGE plpgsql AS $fn$
        DECLARE
            m jsonb;
            v_ref jsonb;
            ident jsonb;
            known_ref text;
            v_message bigint;
            v_raw bigint;
            v_case bigint;
            v_contact bigint;
            v_nameless boolean;
            v_hit_contact bigint;
            v_hit_nameless boolean;
            v_hit boolean;
            v_ref_case bigint;
            v_ref_state text;
            v_best bigint;
            v_best_state text;
            v_known jsonb;
            v_new_case boolean;
            v_at double precision;
            v_adapter text;
            v_channel text;
            v_public boolean;
            v_automated boolean;
        BEGIN
            FOR m IN SELECT value FROM jsonb_array_elements(batch) LOOP
                v_adapter := m->>'adapter';
                SELECT id, case_id, contact_id INTO v_message, v_case, v_contact
                    FROM messages WHERE adapter = v_adapter AND external_id = m->>'external_id';
                IF FOUND THEN
                    RETURN QUERY SELECT v_message, v_case, v_contact, true, false, false;
                    CONTINUE;
                END IF;
                v_at := (m->>'received_at')::double precision;
                v_channel := m->>'channel';
                v_public := (m->>'is_public')::boolean;
                v_automated := (m->>'automated')::boolean;
                r_opened := false;
                r_reopened := false;

                INSERT INTO raw_payloads(sha256, content_type, metadata, bytes)
                    VALUES (m->>'raw_sha256', m->>'raw_content_type', m->>'raw_metadata', decode(m->>'raw_bytes', 'base64'))
                    RETURNING id INTO v_raw;

                -- The contact owning any of the sender's identities, else a new one; every identity recorded.
                v_contact := NULL;
                v_nameless := false;
                FOR ident IN SELECT value FROM jsonb_array_elements(m->'identities') LOOP
                    SELECT i.contact_id, c.display_name IS NULL INTO v_hit_contact, v_hit_nameless
                        FROM identities i JOIN contacts c ON c.id = i.contact_id WHERE i.kind = ident->>0 AND i.value = ident->>1;
                    IF FOUND AND v_contact IS NULL THEN
                        v_contact := v_hit_contact;
                        v_nameless := v_hit_nameless;
                    END IF;
                END LOOP;
                IF v_contact IS NULL THEN
                    INSERT INTO contacts(display_name, created_at) VALUES (m->>'sender_name', v_at) RETURNING id INTO v_contact;
                ELSIF v_nameless AND coalesce(m->>'sender_name', '') <> '' THEN
                    UPDATE contacts SET display_name = m->>'sender_name' WHERE id = v_contact;
                END IF;
                INSERT INTO identities(kind, value, contact_id)
                    SELECT e->>0, e->>1, v_contact FROM jsonb_array_elements(m->'identities') e
                    ON CONFLICT (kind, value) DO NOTHING;

                -- The newest case a thread reference points at; a case reference names its case directly.
                v_best := NULL;
                v_best_state := NULL;
                v_known := '{}'::jsonb;
                FOR v_ref IN SELECT value FROM jsonb_array_elements(m->'thread_refs') LOOP
                    IF v_ref ? 'case' THEN
                        SELECT id, state INTO v_ref_case, v_ref_state FROM cases WHERE id = (v_ref->>'case')::bigint;
                        v_hit := FOUND;
                    ELSE
                        SELECT c.id, c.state INTO v_ref_case, v_ref_state
                            FROM thread_refs t JOIN cases c ON c.id = t.case_id WHERE t.ref = v_ref->>'ref';
                        v_hit := FOUND;
                        IF v_hit THEN v_known := v_known || jsonb_build_object(v_ref->>'ref', v_ref_case); END IF;
                    END IF;
                    IF v_hit AND (v_best IS NULL OR v_ref_case > v_best) THEN
                        v_best := v_ref_case;
                        v_best_state := v_ref_state;
                    END IF;
                END LOOP;

                -- Join that case (reopening a resolved one); a closed case stays closed and the message opens
                -- a new one; an automated message or status report never opens a case.
                v_case := NULL;
                v_new_case := true;
                IF v_best IS NOT NULL THEN
                    IF v_best_state = 'resolved' AND NOT v_automated THEN
                        UPDATE cases SET state = 'open', updated_at = v_at WHERE id = v_best;
                        INSERT INTO events(case_id, type, at, actor, data) VALUES (v_best, 'case.state_changed', v_at, v_adapter,
                            '{"from":"resolved","reason":"customer wrote again","to":"open"}');
                        v_case := v_best;
                        v_new_case := false;
                        r_reopened := true;
                    ELSIF NOT (v_best_state = 'closed' AND NOT v_automated) THEN
                        v_case := v_best;
                        v_new_case := false;
                    END IF;
                END IF;
                IF v_new_case AND NOT v_automated THEN
                    INSERT INTO cases(contact_id, state, channel, subject, assignee, is_public, message_count, created_at, updated_at, last_message_at)
                        VALUES (v_contact, 'open', v_channel, m->>'subject', NULL, v_public, 0, v_at, v_at, v_at) RETURNING id INTO v_case;
                    INSERT INTO events(case_id, type, at, actor, data) VALUES (v_case, 'case.opened', v_at, v_adapter,
                        '{"channel":' || to_json(v_channel)::text || ',"contact_id":' || to_json(v_contact::text)::text || '}');
                    r_opened := true;
                END IF;

                INSERT INTO messages(adapter, external_id, case_id, contact_id, channel, received_at, sender_name, sender_identities,
                        subject, body, thread_refs, own_refs, is_public, attachments, flags, raw_id, adapter_kind)
                    VALUES (v_adapter, m->>'external_id', v_case, v_contact, v_channel, v_at, m->>'sender_name', m->>'sender_identities',
                        m->>'subject', m->>'body', m->>'thread_refs_text', m->>'own_refs_text', v_public, m->>'attachments', m->>'flags',
                        v_raw, m->>'adapter_kind')
                    RETURNING id INTO v_message;

                IF v_case IS NOT NULL THEN
                    -- A reference already pointing here is left alone.
                    FOR known_ref IN SELECT value FROM jsonb_array_elements_text(m->'record_refs') LOOP
                        IF (v_known->>known_ref)::bigint IS DISTINCT FROM v_case THEN
                            INSERT INTO thread_refs(ref, case_id) VALUES (known_ref, v_case)
                                ON CONFLICT (ref) DO UPDATE SET case_id = excluded.case_id;
                        END IF;
                    END LOOP;
                    INSERT INTO events(case_id, type, at, actor, data) VALUES (v_case, 'message.received', v_at, v_adapter,
                        '{"adapter":' || to_json(v_adapter)::text || ',"channel":' || to_json(v_channel)::text
                        || CASE WHEN m->>'flags' <> '' THEN ',"flags":' || to_json(m->>'flags')::text ELSE '' END
                        || ',"message_id":' || to_json(v_message::text)::text
                        || CASE WHEN v_public THEN ',"public":"true"' ELSE '' END || '}');
                    UPDATE cases SET message_count = message_count + 1, last_message_at = v_at, updated_at = v_at,
                        is_public = is_public OR v_public
                        WHERE id = v_case;
                END IF;
                RETURN QUERY SELECT v_message, v_case, v_contact, false, r_opened, r_reopened;
            END LOOP;
        END
        $fn$
        """#
}

/// One message as `intake_ingest` takes it: the columns already encoded, the raw bytes in base64, and what
/// the references mean decided here.
struct PostgresIngestItem: Encodable {
    /// A thread reference: `case` when it names a case (`case:C-12`), else looked up in `thread_refs`.
    struct ThreadRef: Encodable {
        var ref: String
        var `case`: Int64?
    }

    var adapter: String
    var adapter_kind: String?
    var external_id: String
    var channel: String
    var received_at: Double
    var sender_name: String?
    var identities: [[String]]
    var sender_identities: String
    var subject: String?
    var body: String
    var thread_refs: [ThreadRef]
    var thread_refs_text: String
    var own_refs_text: String
    /// The references to record for the message's case, in order, each once (case references resolve by id).
    var record_refs: [String]
    var is_public: Bool
    var automated: Bool
    var attachments: String?
    var flags: String
    var raw_sha256: String
    var raw_content_type: String
    var raw_metadata: String
    var raw_bytes: Data

    init(_ message: InboundMessage) throws {
        adapter = message.adapter
        adapter_kind = message.adapterKind
        external_id = message.externalID
        channel = message.channel.rawValue
        received_at = message.receivedAt.timeIntervalSince1970
        sender_name = message.sender.displayName
        identities = message.sender.identities.map { [$0.kind.rawValue, $0.value] }
        sender_identities = StringMapCoding.encodeIdentities(message.sender.identities)
        subject = message.subject
        body = message.body
        thread_refs = message.threadRefs.map { ref in
            let id = ref.hasPrefix("case:") ? CaseReference.parse(String(ref.dropFirst(5))) : nil
            return ThreadRef(ref: ref, case: id)
        }
        thread_refs_text = StringMapCoding.encodeLines(message.threadRefs)
        own_refs_text = StringMapCoding.encodeLines(message.ownRefs)
        var seen = Set<String>()
        record_refs = (message.ownRefs + message.threadRefs).filter { !$0.hasPrefix("case:") && seen.insert($0).inserted }
        is_public = message.isPublic
        automated = message.flags.contains(.automated) || message.flags.contains(.statusReport)
        attachments = message.attachments.isEmpty ? nil : String(decoding: try JSONEncoder.column.encode(message.attachments), as: UTF8.self)
        flags = message.flags.map(\.rawValue).sorted().joined(separator: ",")
        raw_sha256 = message.raw.sha256
        raw_content_type = message.raw.contentType
        raw_metadata = StringMapCoding.encode(message.raw.metadata)
        raw_bytes = message.raw.bytes
    }
}
