import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@outreach/tenancy/http';
import { AddMemberDto } from './dto/add-member.dto.js';
import { UpdateMemberDto } from './dto/update-member.dto.js';
import type { MemberView } from './member.view.js';
import { MembersService } from './members.service.js';

@ApiTags('members')
@ApiBearerAuth()
@Controller('organisations/:organisationId/members')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Get()
  @RequirePermission('members:read')
  list(): Promise<MemberView[]> {
    return this.members.list();
  }

  @Post()
  @RequirePermission('members:write')
  add(@Body() body: AddMemberDto): Promise<MemberView> {
    return this.members.add(body);
  }

  @Patch(':userId')
  @RequirePermission('members:write')
  changeRole(
    @Param('userId', ParseUUIDPipe) userId: string,
    @Body() body: UpdateMemberDto,
  ): Promise<MemberView> {
    return this.members.changeRole(userId, body.role);
  }

  @Delete(':userId')
  @HttpCode(204)
  @RequirePermission('members:write')
  remove(@Param('userId', ParseUUIDPipe) userId: string): Promise<void> {
    return this.members.remove(userId);
  }
}
