-- The decision a stay started on without the waiting list (a direct stay), so
-- that the figures can break stays down by municipality of residence: the
-- municipality of that decision's application. A stay from the list reaches
-- its decision through its entry; a transfer keeps that of the stay it
-- continues. Direct stays recorded before this migration have none (the
-- figures then count the responsible municipality, as the waiting list does).
alter table stays add column decision_id bigint references decisions(id);

