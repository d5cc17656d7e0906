// Statuses of tracked issues, in board order. The API's transitions: to do ->
// in progress or dropped; in progress -> to do, completed or dropped;
// completed -> in progress; dropped -> to do or in progress.
export const STATUSES = [
  { value: "to_do", label: "To do" },
  { value: "in_progress", label: "In progress" },
  { value: "completed", label: "Completed" },
  { value: "dropped", label: "Dropped" },
];

export const NEXT_STATUSES = {
  to_do: ["in_progress", "dropped"],
  in_progress: ["to_do", "completed", "dropped"],
  completed: ["in_progress"],
  dropped: ["to_do", "in_progress"],
};

/** Normalises `IN_PROGRESS` (GraphQL enum) and `in_progress` (REST) to one form. */
export function normaliseStatus(value) {
  return value ? String(value).toLowerCase() : null;
}

export function statusLabel(value) {
  return STATUSES.find((status) => status.value === normaliseStatus(value))?.label ?? value;
}
