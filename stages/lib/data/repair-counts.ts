/** How many spans or tags normalisation repaired or dropped, by reason (written to stats.json). */
export interface RepairCounts {
  emptyLabel: number;
  unknownLabel: number;
  outOfBoundsClipped: number;
  outOfBoundsDropped: number;
  whitespaceTrimmed: number;
  whitespaceOnlyDropped: number;
  mismatchRelocated: number;
  mismatchDropped: number;
  duplicateDropped: number;
  overlapDropped: number;
  sharedTokenDropped: number;
  iobRepaired: number;
  loneSurrogatesReplaced: number;
  emptyDocumentDropped: number;
}

export function emptyRepairCounts(): RepairCounts {
  return {
    emptyLabel: 0,
    unknownLabel: 0,
    outOfBoundsClipped: 0,
    outOfBoundsDropped: 0,
    whitespaceTrimmed: 0,
    whitespaceOnlyDropped: 0,
    mismatchRelocated: 0,
    mismatchDropped: 0,
    duplicateDropped: 0,
    overlapDropped: 0,
    sharedTokenDropped: 0,
    iobRepaired: 0,
    loneSurrogatesReplaced: 0,
    emptyDocumentDropped: 0,
  };
}
