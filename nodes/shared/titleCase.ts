/** `needs_approval` → `Needs Approval`: an API status as a dropdown label. */
export const titleCase = (value: string) => value.replace(/_/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase());
