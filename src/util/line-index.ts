/** A 1-based line and column, as editors count them. */
export interface TextPosition {
  line: number
  column: number
}

/**
 * Maps character offsets of one text to line and column. The newline index is built on first use, in
 * one pass, so pointing at many places of a large text stays linear.
 */
export class LineIndex {
  private starts: number[] | undefined

  constructor(readonly text: string) {}

  position(offset: number): TextPosition {
    const starts = (this.starts ??= lineStarts(this.text))
    let low = 0
    let high = starts.length - 1
    while (low < high) {
      const middle = (low + high + 1) >> 1
      if (starts[middle]! <= offset) low = middle
      else high = middle - 1
    }
    return {line: low + 1, column: offset - starts[low]! + 1}
  }
}

function lineStarts(text: string): number[] {
  const starts = [0]
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) starts.push(index + 1)
  return starts
}
