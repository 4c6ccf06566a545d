import type {Truth} from './types.js'

/** Kleene conjunction: false wins, then unknown. */
export function and(a: Truth, b: Truth): Truth {
  if (a === false || b === false) return false
  return a === 'unknown' || b === 'unknown' ? 'unknown' : true
}

