// Re-exports of the IPC types generated from Rust by ts-rs (`./generated/`, one file per type).
// The wire type `AppError` is exported as `AppErrorPayload`: `AppError` is the Error class in ./errors.
export type { AppError as AppErrorPayload } from './generated/AppError';
export type { ColumnInfo } from './generated/ColumnInfo';
export type { ColumnRole } from './generated/ColumnRole';
export type { ColumnWarning } from './generated/ColumnWarning';
export type { Comparison } from './generated/Comparison';
export type { CountMode } from './generated/CountMode';
export type { Dashboard } from './generated/Dashboard';
export type { ErrorCode } from './generated/ErrorCode';
export type { Explanation } from './generated/Explanation';
export type { Filter } from './generated/Filter';
export type { GroupKey } from './generated/GroupKey';
export type { ImportProgress } from './generated/ImportProgress';
export type { ImportReport } from './generated/ImportReport';
export type { NpsGroup } from './generated/NpsGroup';
export type { NpsQuery } from './generated/NpsQuery';
export type { NpsReport } from './generated/NpsReport';
export type { Period } from './generated/Period';
export type { PeriodFigure } from './generated/PeriodFigure';
export type { Rolling } from './generated/Rolling';
export type { RollingStep } from './generated/RollingStep';
export type { SegmentShift } from './generated/SegmentShift';
export type { SkippedRow } from './generated/SkippedRow';
export type { Startup } from './generated/Startup';
export type { SurveySummary } from './generated/SurveySummary';
export type { ValueCount } from './generated/ValueCount';
export type { Window } from './generated/Window';
export type { WorkspaceInfo } from './generated/WorkspaceInfo';
