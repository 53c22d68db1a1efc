import type { Knex } from 'knex';

/** A region's outline for the board's map: a GeoJSON Polygon or MultiPolygon in WGS 84 (longitude, latitude). */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`alter table regions add column outline jsonb check (outline is null or outline->>'type' in ('Polygon', 'MultiPolygon'))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table regions drop column outline');
}
