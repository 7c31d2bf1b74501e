// Re-exports of the IPC types generated from Rust by ts-rs (`./generated/`, one file per type).
// The wire type `AppError` is exported as `AppErrorPayload`: `AppError` is the Error class in ./errors.
export type { AppError as AppErrorPayload } from './generated/AppError';
export type { ColumnInfo } from './generated/ColumnInfo';
export type { ColumnRole } from './generated/ColumnRole';
export type { Dashboard } from './generated/Dashboard';
export type { ErrorCode } from './generated/ErrorCode';
export type { ImportProgress } from './generated/ImportProgress';
export type { ImportReport } from './generated/ImportReport';
export type { NpsGroup } from './generated/NpsGroup';
export type { NpsReport } from './generated/NpsReport';
export type { SkippedRow } from './generated/SkippedRow';
export type { Startup } from './generated/Startup';
export type { SurveySummary } from './generated/SurveySummary';
export type { WorkspaceInfo } from './generated/WorkspaceInfo';
