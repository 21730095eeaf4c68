/** "1 batch", "3 batches": a count with its noun, for titles and confirmations. */
export const plural = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;
