-- The days an upload's flows.csv and campaigns.csv were asked for (the producers' windows, inclusive): a day inside
-- with no row is a zero day of the file, not a day it lacks. Null when unknown.
alter table uploads add column flows_first date, add column flows_last date,
    add column campaigns_first date, add column campaigns_last date,
    add check ((flows_first is null) = (flows_last is null) and flows_last >= flows_first),
    add check ((campaigns_first is null) = (campaigns_last is null) and campaigns_last >= campaigns_first);

-- The days a snapshot's series covers per source (its upload's windows, and a patch's base's days): the dashboard
-- takes every such day from the snapshot (zero when it has no row) and only the other days from the backfill.
create table snapshot_coverage (
    snapshot_id  bigint not null references snapshots (id) on delete cascade,
    source       text not null check (source in ('flows', 'campaigns')),
    first_day    date not null,
    last_day     date not null check (last_day >= first_day),
    primary key (snapshot_id, source, first_day)
);

-- Uploads made before: a patch upload's window is its snapshot's; a full upload's the span of days its series holds.
update uploads u set flows_first = s.patch_start, flows_last = s.patch_end, campaigns_first = s.patch_start,
        campaigns_last = s.patch_end
    from snapshots s where s.upload_id = u.id and s.patch_start is not null;
update uploads u set flows_first = x.f_first, flows_last = x.f_last, campaigns_first = x.c_first,
        campaigns_last = x.c_last
    from (select s.upload_id,
                 min(r.day) filter (where r.source = 'flows') as f_first,
                 max(r.day) filter (where r.source = 'flows') as f_last,
                 min(r.day) filter (where r.source = 'campaigns') as c_first,
                 max(r.day) filter (where r.source = 'campaigns') as c_last
          from snapshots s join snapshot_series r on r.snapshot_id = s.id
          where s.patch_start is null and s.based_on is null
          group by s.upload_id) x
    where x.upload_id = u.id and u.flows_first is null;

-- Snapshots made before: the days they hold a row for (what the dashboard took from them until now), as runs of
-- consecutive days.
insert into snapshot_coverage (snapshot_id, source, first_day, last_day)
select snapshot_id, source, min(day), max(day)
from (select snapshot_id, source, day,
             day - cast(row_number() over (partition by snapshot_id, source order by day) as integer) as run
      from snapshot_series where source <> 'all') r
group by snapshot_id, source, run;
