// The library's side of the 1.7 -> 2.0 migration (ALTER EXTENSION chameleon UPDATE from 1.7, which
// chameleon.upgrade_replica_schema() runs too). Released scripts are never edited (DESIGN §3.6), so
// the checks the migration gained after chameleon--1.7--2.0.sql shipped run here, before the update
// scripts: a stale _sch_chameleon_version2 is refused, every 1.x source must be taken over or left
// behind on purpose, and the configuration's name is recorded for the 2.0 -> 2.1 step.
#pragma once

namespace chameleon::pg {

// Installs the ProcessUtility hook (from _PG_init).
void UpgradeGuardInit();

} // namespace chameleon::pg
