/**
 * What a drain bench queues before draining. `drafts`: 1,000 drafts, each written and then
 * edited once. `day`: a day of consultations offline, 50 drafts each typed into for 49
 * autosaves (an answer growing by a sentence each time, two questions in turn).
 */
export type DrainQueue = 'drafts' | 'day';
