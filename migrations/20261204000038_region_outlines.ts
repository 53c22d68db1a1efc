import type { Knex } from 'knex';

/**
 * A region's outline for the board's map: a GeoJSON Polygon or MultiPolygon in WGS 84 (longitude,
 * latitude). The map's points are the week's tickets that carry coordinates: a partial index finds them
 * without reading every ticket of the week.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table regions add column outline jsonb check (outline is null or outline->>'type' in ('Polygon', 'MultiPolygon'));
    create index tickets_located_idx on tickets (created_at) where location is not null;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index tickets_located_idx; alter table regions drop column outline');
}
