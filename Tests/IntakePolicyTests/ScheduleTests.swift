import Foundation
import Testing
@testable import IntakePolicy

@Suite struct ScheduleTests {
    private func weekly(_ zoneName: String, start: String) -> Schedule {
        let tz = zone(zoneName)
        return Schedule(name: "primary", timeZone: tz, layers: [RotationLayer(
            name: "weekly", participants: ["ann", "bob", "chen"], start: at(start), shift: .weekly, handoff: 9 * 3600, timeZone: tz)])
    }

    @Test func participantsTakeTurnsInOrderAndWrapAround() {
        let schedule = weekly("Europe/Berlin", start: "2026-01-05T09:00:00+01:00")
        #expect(schedule.onCall(at: at("2026-01-05T09:00:00+01:00")) == "ann")
        #expect(schedule.onCall(at: at("2026-01-12T08:59:59+01:00")) == "ann")
        #expect(schedule.onCall(at: at("2026-01-12T09:00:00+01:00")) == "bob")
        #expect(schedule.onCall(at: at("2026-01-19T12:00:00+01:00")) == "chen")
        #expect(schedule.onCall(at: at("2026-01-26T09:00:00+01:00")) == "ann")
        #expect(schedule.onCall(at: at("2026-01-05T08:59:59+01:00")) == nil)
    }

    @Test func weeklyHandOffStaysAt0900BerlinAcrossBothDSTChanges() {
        // Berlin: summer time from 2026-03-29 (UTC+2), back to UTC+1 on 2026-10-25.
        let schedule = weekly("Europe/Berlin", start: "2026-03-02T09:00:00+01:00")
        // Week 4 (bob) starts Monday 2026-03-30 09:00 CEST = 07:00 UTC, an hour earlier in UTC than before.
        #expect(schedule.onCall(at: at("2026-03-30T06:59:59Z")) == "ann")
        #expect(schedule.onCall(at: at("2026-03-30T07:00:00Z")) == "bob")
        // Week 34 (bob again) starts Monday 2026-10-26 09:00 CET = 08:00 UTC.
        #expect(schedule.onCall(at: at("2026-10-26T07:59:59Z")) == "ann")
        #expect(schedule.onCall(at: at("2026-10-26T08:00:00Z")) == "bob")
        // The week across the March change is an hour short in real time; the one across October an hour long.
        let shifts = schedule.shifts(from: at("2026-03-23T09:00:00+01:00"), to: at("2026-04-06T09:00:00+02:00"))
        let week: TimeInterval = 7 * 86_400
        #expect(shifts.map(\.interval.duration) == [week - 3600, week])
        let autumn = schedule.shifts(from: at("2026-10-19T09:00:00+02:00"), to: at("2026-10-26T09:00:00+01:00"))
        #expect(autumn.map(\.interval.duration) == [week + 3600])
    }

    @Test func weeklyHandOffStaysAt0900NewYorkAcrossMarchAndNovember() {
        // New York: EDT from 2026-03-08, EST again from 2026-11-01.
        let schedule = weekly("America/New_York", start: "2026-03-02T09:00:00-05:00")
        #expect(schedule.onCall(at: at("2026-03-09T12:59:59Z")) == "ann")
        #expect(schedule.onCall(at: at("2026-03-09T13:00:00Z")) == "bob")   // 09:00 EDT
        // 35 weeks on: Monday 2026-11-02 09:00 EST = 14:00 UTC, chen takes over from bob.
        #expect(schedule.onCall(at: at("2026-11-02T13:59:59Z")) == "bob")
        #expect(schedule.onCall(at: at("2026-11-02T14:00:00Z")) == "chen")
        let starts = schedule.shifts(from: at("2026-10-20T00:00:00Z"), to: at("2026-11-10T00:00:00Z")).dropFirst().map(\.interval.start)
        #expect(starts == [at("2026-10-26T09:00:00-04:00"), at("2026-11-02T09:00:00-05:00"), at("2026-11-09T09:00:00-05:00")])
    }

    @Test func dailyShiftOnTheDSTDayIsShortInRealTimeAndHandsOffAtLocalTime() {
        let tz = zone("Europe/Berlin")
        let schedule = Schedule(name: "s", timeZone: tz, layers: [RotationLayer(
            name: "daily", participants: ["ann", "bob"], start: at("2026-03-27T09:00:00+01:00"), shift: .daily, handoff: 9 * 3600, timeZone: tz)])
        let shifts = schedule.shifts(from: at("2026-03-28T09:00:00+01:00"), to: at("2026-03-30T09:00:00+02:00"))
        #expect(shifts == [
            OnCallShift(person: "bob", interval: DateInterval(start: at("2026-03-28T09:00:00+01:00"), end: at("2026-03-29T09:00:00+02:00"))),
            OnCallShift(person: "ann", interval: DateInterval(start: at("2026-03-29T09:00:00+02:00"), end: at("2026-03-30T09:00:00+02:00"))),
        ])
        #expect(shifts[0].interval.duration == TimeInterval(23 * 3600))
    }

    @Test func twelveHourShiftsHandOffAtTheSameLocalHoursAcrossDST() {
        let tz = zone("America/New_York")
        let schedule = Schedule(name: "s", timeZone: tz, layers: [RotationLayer(
            name: "halves", participants: ["day", "night"], start: at("2026-03-06T07:00:00-05:00"), shift: .hours(12), handoff: 7 * 3600, timeZone: tz)])
        #expect(schedule.onCall(at: at("2026-03-09T06:59:00-04:00")) == "night")
        #expect(schedule.onCall(at: at("2026-03-09T07:00:00-04:00")) == "day")
        #expect(schedule.onCall(at: at("2026-03-09T19:00:00-04:00")) == "night")
    }

    @Test func aHandOffInTheSkippedHourHappensJustAfterIt() {
        // 02:30 does not exist in Berlin on 2026-03-29: the hand-off happens at 03:30 CEST.
        let tz = zone("Europe/Berlin")
        let schedule = Schedule(name: "s", timeZone: tz, layers: [RotationLayer(
            name: "night", participants: ["ann", "bob"], start: at("2026-03-28T02:30:00+01:00"), shift: .daily, handoff: 9000, timeZone: tz)])
        #expect(schedule.onCall(at: at("2026-03-29T03:29:59+02:00")) == "ann")
        #expect(schedule.onCall(at: at("2026-03-29T03:30:00+02:00")) == "bob")
        #expect(schedule.onCall(at: at("2026-03-30T02:30:00+02:00")) == "ann")
    }

    @Test func aStartBetweenHandOffsMakesTheFirstTurnShort() {
        let tz = zone("UTC")
        let layer = RotationLayer(name: "l", participants: ["ann", "bob"], start: at("2026-03-04T15:00:00Z"), shift: .daily, handoff: 9 * 3600, timeZone: tz)
        #expect(layer.onCall(at: at("2026-03-04T15:00:00Z")) == "ann")
        #expect(layer.onCall(at: at("2026-03-05T08:59:59Z")) == "ann")
        #expect(layer.onCall(at: at("2026-03-05T09:00:00Z")) == "bob")
    }

    @Test func aHigherLayerWinsWhereItHasSomeone() {
        let tz = zone("Europe/Berlin")
        let base = RotationLayer(name: "base", participants: ["ann", "bob"], start: at("2026-03-02T09:00:00+01:00"), shift: .weekly, handoff: 9 * 3600, timeZone: tz)
        let cover = RotationLayer(
            name: "cover", participants: ["chen"], start: at("2026-03-04T00:00:00+01:00"), end: at("2026-03-06T00:00:00+01:00"),
            shift: .daily, handoff: 0, timeZone: tz)
        let schedule = Schedule(name: "s", timeZone: tz, layers: [base, cover])
        #expect(schedule.onCall(at: at("2026-03-03T12:00:00+01:00")) == "ann")
        #expect(schedule.onCall(at: at("2026-03-05T12:00:00+01:00")) == "chen")
        #expect(schedule.onCall(at: at("2026-03-06T00:00:00+01:00")) == "ann")
        // The lower layer still counts its turns underneath: bob's week starts on time.
        #expect(schedule.onCall(at: at("2026-03-09T09:00:00+01:00")) == "bob")
        // Swapped order, the base layer covers the other entirely.
        #expect(Schedule(name: "s", timeZone: tz, layers: [cover, base]).onCall(at: at("2026-03-05T12:00:00+01:00")) == "ann")
    }

    @Test func overridesWinOverLayersAndTheLaterOverrideWins() {
        var schedule = weekly("Europe/Berlin", start: "2026-03-02T09:00:00+01:00")
        schedule.overrides = [
            ScheduleOverride(person: "dana", start: at("2026-03-03T18:00:00+01:00"), end: at("2026-03-04T08:00:00+01:00")),
            ScheduleOverride(person: "maria", start: at("2026-03-04T00:00:00+01:00"), end: at("2026-03-04T02:00:00+01:00")),
        ]
        #expect(schedule.onCall(at: at("2026-03-03T17:59:59+01:00")) == "ann")
        #expect(schedule.onCall(at: at("2026-03-03T18:00:00+01:00")) == "dana")
        #expect(schedule.onCall(at: at("2026-03-04T01:00:00+01:00")) == "maria")
        #expect(schedule.onCall(at: at("2026-03-04T03:00:00+01:00")) == "dana")
        #expect(schedule.onCall(at: at("2026-03-04T08:00:00+01:00")) == "ann")
        let shifts = schedule.shifts(from: at("2026-03-03T12:00:00+01:00"), to: at("2026-03-04T12:00:00+01:00"))
        #expect(shifts.map(\.person) == ["ann", "dana", "maria", "dana", "ann"])
    }

    @Test func gapsAreFoundBeforeTheStartAfterTheEndAndFilledByOverrides() {
        let tz = zone("UTC")
        let layer = RotationLayer(
            name: "l", participants: ["ann"], start: at("2026-03-03T00:00:00Z"), end: at("2026-03-05T00:00:00Z"), shift: .daily, handoff: 0, timeZone: tz)
        var schedule = Schedule(name: "s", timeZone: tz, layers: [layer])
        let from = at("2026-03-02T00:00:00Z"), to = at("2026-03-07T00:00:00Z")
        #expect(schedule.gaps(from: from, to: to) == [
            DateInterval(start: from, end: at("2026-03-03T00:00:00Z")),
            DateInterval(start: at("2026-03-05T00:00:00Z"), end: to),
        ])
        schedule.overrides = [ScheduleOverride(person: "bob", start: at("2026-03-05T00:00:00Z"), end: at("2026-03-06T00:00:00Z"))]
        #expect(schedule.gaps(from: from, to: to).last == DateInterval(start: at("2026-03-06T00:00:00Z"), end: to))
        #expect(weekly("UTC", start: "2026-01-05T09:00:00Z").gaps(from: from, to: to).isEmpty)
    }

    @Test func shiftLengthsReadFromConfigWords() {
        #expect(ShiftLength("daily") == .daily)
        #expect(ShiftLength("Weekly") == .weekly)
        #expect(ShiftLength("12h") == .hours(12))
        #expect(ShiftLength("2w") == .weeks(2))
        #expect(ShiftLength("3d")?.hours == 72)
        #expect(ShiftLength("0h") == nil)
        #expect(ShiftLength("fortnightly") == nil)
    }
}
