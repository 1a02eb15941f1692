import { ApiProperty } from '@nestjs/swagger';

/** Positions skipped, per reason (each checked in this order). */
export class EnrollmentSkipsDto {
  @ApiProperty({ description: 'explicit ids that are not positions of this organisation' })
  not_found!: number;

  @ApiProperty({ description: 'already in this campaign (enrolling again is a no-op)' })
  already_enrolled!: number;

  @ApiProperty({ description: 'the position has no e-mail address' })
  no_email!: number;

  @ApiProperty({
    description: 'the position is not active (former, unsubscribed, bounced, do_not_contact)',
  })
  inactive_position!: number;

  @ApiProperty({ description: 'e-mail status other than valid or catch_all' })
  unusable_email_status!: number;

  @ApiProperty({ description: 'the address or its domain is on the suppression list' })
  suppressed!: number;
}

/** What an enrollment call did. */
export class EnrollmentResultDto {
  @ApiProperty({ description: 'new enrollments, each with its first task' })
  enrolled!: number;

  @ApiProperty({ type: EnrollmentSkipsDto })
  skipped!: EnrollmentSkipsDto;
}
