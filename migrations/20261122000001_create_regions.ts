import type { Knex } from 'knex';

// Administrative divisions: city → district/county → township/street → village/community → grid.
// `path` ('/1/4/9/') lists the ancestors and the row itself, so "this region or any below it" is a prefix match.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table regions (
      id bigint generated always as identity primary key,
      code text not null unique,
      name text not null,
      level text not null check (level in ('city', 'district', 'township', 'village', 'grid')),
      parent_id bigint references regions(id),
      path text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check ((level = 'city') = (parent_id is null))
    );
    create index regions_parent_idx on regions (parent_id);
    create index regions_path_idx on regions (path text_pattern_ops);

    create function regions_set_path() returns trigger language plpgsql as $$
    begin
      if new.parent_id is null then
        new.path := '/' || new.id || '/';
      else
        select path || new.id || '/' into new.path from regions where id = new.parent_id;
      end if;
      return new;
    end $$;
    create trigger regions_set_path before insert on regions for each row execute function regions_set_path();
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table regions; drop function regions_set_path();');
}
