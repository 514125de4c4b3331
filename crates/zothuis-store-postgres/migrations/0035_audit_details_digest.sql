-- The audit chain, version 2 (domain audit.rs `HASH_VERSION`): a row's hash
-- covers a digest of its details instead of the details, so that the
-- details, which can hold personal data, can be erased when the record's
-- retention period ends (AVG art. 17, art. 5 lid 1 e) while `zothuis audit
-- verify` still proves every row and link. Rows written before keep version
-- 1: their details stay covered by the hash and cannot be erased.
alter table audit_log add column hash_version bigint not null default 1;
alter table audit_log add column details_digest text;

-- Still nothing of a row may change, except the details of a version-2
-- row, and only into the erased marker (`ERASED_DETAILS`).
create function audit_log_erase_only() returns trigger language plpgsql as $$
declare
    kept audit_log;
begin
    kept := new;
    kept.details := old.details;
    if old.hash_version = 2 and new.details = '{"gewist":true}'
       and kept is not distinct from old then
        return new;
    end if;
    raise exception 'het auditlog kan niet worden gewijzigd';
end;
$$;
drop trigger audit_log_no_update on audit_log;
create trigger audit_log_no_update before update on audit_log
    for each row execute function audit_log_erase_only();
