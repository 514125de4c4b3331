-- The audit chain, version 2 (domain audit.rs `HASH_VERSION`): a row's hash
-- covers a digest of its details instead of the details, so that the
-- details, which can hold personal data, can be erased when the record's
-- retention period ends (AVG art. 17, art. 5 lid 1 e) while `zothuis audit
-- verify` still proves every row and link. Rows written before keep version
-- 1: their details stay covered by the hash and cannot be erased.
alter table audit_log add column hash_version integer not null default 1;
alter table audit_log add column details_digest text;

-- Still nothing of a row may change, except the details of a version-2
-- row, and only into the erased marker (`ERASED_DETAILS`).
drop trigger audit_log_no_update;
create trigger audit_log_no_update before update of seq, occurred_at, actor_kind, actor_id,
    actor_name, actor_role, on_behalf_of, action, object_type, object_id, client_id, outcome,
    origin, request_id, prev_hash, hash, hash_version, details_digest on audit_log
begin
    select raise(abort, 'het auditlog kan niet worden gewijzigd');
end;
create trigger audit_log_erase_only before update of details on audit_log
when not (old.hash_version = 2 and new.details = '{"gewist":true}')
begin
    select raise(abort, 'het auditlog kan niet worden gewijzigd');
end;
